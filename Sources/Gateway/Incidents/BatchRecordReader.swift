import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Reads the records of a sealed XML batch back: splits the payload at its item elements and
/// checks each part against the batch's record hashes and Merkle root, so what it returns is
/// exactly what was sealed (and sent).
struct BatchRecordReader {
    /// One record: which of its locations (`BSN`, `@soort`, `Gezin/@rol`) carry a value, and those values.
    struct Record {
        var values: [String: String] = [:]
    }

    /// The item element's name (`Kennisgeving`).
    let item: String

    /// The records of `batch`, whose stored bytes are `payload`, in order; throws when the payload
    /// does not match its seal.
    func records(of batch: OutboxBatch, payload: Data) throws -> [Record] {
        let fragments = split(Array(payload))
        let hashes = fragments.map { Hex.encode(SHA256.hash(data: $0)) }
        guard hashes == batch.recordHashes,
            MerkleTree(recordHashes: hashes.compactMap { Hex.decode($0) }).rootHex == batch.merkleRoot
        else {
            throw KetenpoortError(.incidentRefused, "the stored batch \(batch.id) does not match its record hashes and Merkle root")
        }
        return try fragments.map(parse)
    }

    /// The byte ranges of the item elements, each from the start of its line to the end of its closing line.
    func split(_ bytes: [UInt8]) -> [[UInt8]] {
        let open = Array("<\(item)".utf8), close = Array("</\(item)>".utf8)
        var starts: [Int] = []
        var index = 0
        while let found = bytes.firstRange(of: open, from: index) {
            let after = found.upperBound < bytes.count ? bytes[found.upperBound] : 0
            if after == UInt8(ascii: " ") || after == UInt8(ascii: ">") || after == UInt8(ascii: "/") {
                var start = found.lowerBound
                while start > 0, bytes[start - 1] == UInt8(ascii: " ") { start -= 1 }
                starts.append(start)
            }
            index = found.upperBound
        }
        guard let last = starts.last, var end = bytes.lastRange(of: close, after: last)?.upperBound else { return [] }
        if end < bytes.count, bytes[end] == UInt8(ascii: "\n") { end += 1 }
        return zip(starts, starts.dropFirst() + [end]).map { Array(bytes[$0..<$1]) }
    }

    private func parse(_ fragment: [UInt8]) throws -> Record {
        let collector = Collector()
        let parser = XMLParser(data: Data(fragment))
        parser.delegate = collector
        guard parser.parse() else { throw KetenpoortError(.incidentRefused, "a record of the batch is not well-formed XML") }
        return collector.record
    }

    /// Collects the paths below the item that carry a value.
    private final class Collector: NSObject, XMLParserDelegate {
        var record = Record()
        private var path: [String] = []
        private var text = ""

        func parser(
            _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]
        ) {
            path.append(name)
            text = ""
            let prefix = path.dropFirst().joined(separator: "/")
            for (attribute, value) in attributes where !value.isEmpty {
                record.values[(prefix.isEmpty ? "" : prefix + "/") + "@" + attribute] = value
            }
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            let value = text.trimmingCharacters(in: .whitespacesAndNewlines)
            if path.count > 1, !value.isEmpty { record.values[path.dropFirst().joined(separator: "/")] = value }
            text = ""
            path.removeLast()
        }
    }
}

extension Array where Element == UInt8 {
    func firstRange(of needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else { return nil }
        for index in start...(count - needle.count) where self[index] == needle[0] && self[index..<index + needle.count].elementsEqual(needle) {
            return index..<index + needle.count
        }
        return nil
    }

    func lastRange(of needle: [UInt8], after start: Int) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else { return nil }
        for index in stride(from: count - needle.count, through: start, by: -1) where self[index..<index + needle.count].elementsEqual(needle) {
            return index..<index + needle.count
        }
        return nil
    }
}
