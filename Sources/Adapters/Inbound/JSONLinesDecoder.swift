import Contracts
import Foundation
import KetenpoortCore

/// Reads JSON lines (Argonaut's advice, the consent feed): one object per line, keys mapped to
/// contract fields. A line that is not a JSON object is quarantined as `record.malformed`.
public struct JSONLinesDecoder: InboundDecoder {
    let mapping: ObjectMapping
    var lines = LineReader()

    public init(mapping: AdapterMapping) throws {
        self.mapping = mapping.item
    }

    public func decode(_ url: URL, onlyFields: Set<String>?, sink: (DecodedEvent) throws -> Void) throws {
        let fields = ResolvedFields(mapping, onlyFields: onlyFields)
        try lines.forEachLine(of: url) { number, line in
            guard !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) else { return }
            var raw = RawItem(position: .line(number), texts: [String?](repeating: nil, count: fields.fieldCount))
            let object = try? JSONSerialization.jsonObject(with: Data(line), options: [])
            guard let dictionary = object as? [String: Any] else {
                raw.malformation = "the line is not a JSON object"
                return try sink(.item(raw))
            }
            for entry in fields.entries {
                let text: String?
                switch dictionary[entry.location] {
                case let value as String: text = value
                case let value as NSNumber:
                    text = value.stringValue
                case nil, is NSNull: text = nil
                default:
                    raw.malformation = "the value of \(entry.location) is not a string or number"
                    text = nil
                }
                if let text { raw.texts[entry.slot] = ResolvedFields.transform(text, entry.transforms) }
            }
            try sink(.item(raw))
        }
    }
}

/// Splits a file into lines (LF), streaming in blocks.
struct LineReader {
    /// How the file is read; lines may straddle its blocks.
    var reader = FileBlockReader()

    func forEachLine(of url: URL, _ body: (Int, ArraySlice<UInt8>) throws -> Void) throws {
        var pending: [UInt8] = []
        var number = 0
        try reader.forEachBlock(of: url) { block in
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 10) {
                number += 1
                try body(number, pending[start..<newline])
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty {
            number += 1
            try body(number, pending[...])
        }
    }
}
