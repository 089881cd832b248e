import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// The notifications of one batch, as a municipality would read them.
public final class BatchContents: NSObject, XMLParserDelegate {
    public struct Notification: Hashable {
        public var soort = ""
        public var vnummer: String?
        public var bsn: String?
        /// The elements the notification has.
        public var elements: Set<String> = []
        /// `v:<V-number>` or `b:<BSN>`, as the gateway keys persons.
        public var key: String { vnummer.map { "v:" + $0 } ?? "b:" + (bsn ?? "") }
    }

    /// The attributes of `Kennisgevingen`, namespaces left out.
    public var rootAttributes: [String: String] = [:]
    /// The notifications, in the order of the batch.
    public var notifications: [Notification] = []
    private var current: Notification?
    private var text = ""

    /// Parses a batch; throws when it is not well-formed XML.
    public static func parse(_ data: Data) throws -> BatchContents {
        let contents = BatchContents()
        let parser = XMLParser(data: data)
        parser.delegate = contents
        guard parser.parse() else { throw CocoaError(.fileReadCorruptFile) }
        return contents
    }

    public func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
    ) {
        text = ""
        if name == "Kennisgevingen" { rootAttributes = attributes.filter { !$0.key.hasPrefix("xmlns") } }
        if name == "Kennisgeving" { current = Notification(soort: attributes["soort"] ?? "") } else { current?.elements.insert(name) }
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

    public func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        switch name {
        case "VNummer": current?.vnummer = text
        case "BSN": current?.bsn = text
        case "Kennisgeving":
            if let current { notifications.append(current) }
            current = nil
        default: break
        }
    }
}
