import Contracts
import Foundation
import KetenpoortCore

/// Reads JSON lines (Argonaut's advice, the consent feed): one object per line, keys mapped to
/// contract fields. A line that is not a JSON object is quarantined as `record.malformed`; a value
/// whose JSON type is not the one the contract's type calls for (a number where a string is
/// specified) is not converted but reported as `field.type`. A file that ends inside a line (the
/// last line has no line end and is not complete JSON: cut off in transfer) is refused as a whole
/// with `file.structure`.
public struct JSONLinesDecoder: InboundDecoder {
    let mapping: ObjectMapping
    var lines = LineReader()

    /// Reads the item fields of the mapping; the codec has no options.
    public init(mapping: AdapterMapping) throws {
        self.mapping = mapping.item
    }

    /// Reports one `.item` per line that is not blank, positioned by line number.
    public func decode(_ url: URL, onlyFields: Set<String>?, sink: (DecodedEvent) throws -> Void) throws {
        let fields = ResolvedFields(mapping, onlyFields: onlyFields)
        let expected = fields.entries.map { JSONKind.expected(for: mapping.object.fields[$0.slot].logicalType) }
        try lines.forEachLine(of: url) { number, line, hasLineEnd in
            guard !line.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 13 }) else { return }
            var raw = RawItem(position: .line(number), texts: [String?](repeating: nil, count: fields.fieldCount))
            let object = try? JSONSerialization.jsonObject(with: Data(line), options: [])
            guard let dictionary = object as? [String: Any] else {
                if object == nil && !hasLineEnd {
                    try sink(
                        .fileFinding(
                            Finding(
                                position: .line(number), field: nil, rule: .structure,
                                message: "the file ends inside a line (no line end, not complete JSON): it was cut off", level: .file)))
                    return try sink(.skippedItem(.line(number)))
                }
                raw.malformation = "the line is not a JSON object"
                return try sink(.item(raw))
            }
            for (index, entry) in fields.entries.enumerated() {
                guard let value = dictionary[entry.location], !(value is NSNull) else { continue }
                switch expected[index].text(of: value) {
                case .success(let text):
                    raw.texts[entry.slot] = ResolvedFields.transform(text, entry.transforms)
                case .failure(let found):
                    raw.typeMismatches.append(
                        TypeMismatch(
                            slot: entry.slot, message: "\(entry.location) must be \(expected[index].rawValue) in JSON, not \(found.rawValue)"))
                }
            }
            try sink(.item(raw))
        }
    }
}

/// Splits a file into lines (LF), streaming in blocks.
struct LineReader {
    /// How the file is read; lines may straddle its blocks.
    var reader = FileBlockReader()

    /// Calls `body` with each line's number, its bytes (without the LF) and whether an LF ended it
    /// (only the last line of a file may lack one).
    func forEachLine(of url: URL, _ body: (Int, ArraySlice<UInt8>, Bool) throws -> Void) throws {
        var pending: [UInt8] = []
        var number = 0
        try reader.forEachBlock(of: url) { block in
            pending.append(contentsOf: block)
            var start = pending.startIndex
            while let newline = pending[start...].firstIndex(of: 10) {
                number += 1
                try body(number, pending[start..<newline], true)
                start = newline + 1
            }
            pending.removeSubrange(..<start)
        }
        if !pending.isEmpty {
            number += 1
            try body(number, pending[...], false)
        }
    }
}
