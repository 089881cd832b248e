import Foundation

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// A parsed XML element (namespace-aware: names are local names).
final class XMLElementNode {
    let name: String
    let namespace: String?
    let attributes: [String: String]
    var children: [XMLElementNode] = []
    var text = ""

    init(name: String, namespace: String?, attributes: [String: String]) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
    }

    /// The first child named `name`.
    func child(_ name: String) -> XMLElementNode? { children.first { $0.name == name } }

    /// Every element below this one (depth first), this one included.
    var all: [XMLElementNode] { [self] + children.flatMap(\.all) }

    /// The text without the indentation whitespace between child elements.
    var trimmedText: String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
}

/// Parses XML with Foundation's `XMLParser`; throws when the document is not well-formed.
final class XMLTree: NSObject, XMLParserDelegate {
    struct NotWellFormed: Error, CustomStringConvertible {
        let description: String
    }

    private var stack: [XMLElementNode] = []
    private(set) var root: XMLElementNode?

    static func parse(_ data: Data) throws -> XMLElementNode {
        let tree = XMLTree()
        let parser = XMLParser(data: data)
        parser.shouldProcessNamespaces = true
        parser.delegate = tree
        guard parser.parse(), let root = tree.root else {
            throw NotWellFormed(description: "\(parser.parserError.map { "\($0)" } ?? "no root element") at line \(parser.lineNumber)")
        }
        return root
    }

    static func parse(_ bytes: [UInt8]) throws -> XMLElementNode { try parse(Data(bytes)) }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        let node = XMLElementNode(name: elementName, namespace: namespaceURI, attributes: attributeDict)
        stack.last?.children.append(node)
        if stack.isEmpty { root = node }
        stack.append(node)
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        stack.last?.text += string
    }
}
