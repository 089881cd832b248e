import Contracts
import Foundation
import KetenpoortCore

/// Reads fixed-width records, one per line (DUO's status extract): a record-type character selects
/// the object (header, detail, trailer); fields are 1-based inclusive position ranges (`"2-10"`).
///
/// Options: `lineLength` (every line exactly this many characters), `encoding` (`iso-8859-15` or `utf-8`).
/// The header must be the first line and the trailer the last; anything else is a structural error.
public struct FixedWidthDecoder: InboundDecoder {
    struct Layout: Sendable {
        let mapping: ObjectMapping
        let ranges: [(slot: Int, range: Range<Int>, transforms: [ValueTransform])]
    }

    let layouts: [UInt8: Layout]
    let lineLength: Int
    let isLatin9: Bool
    /// How the file is read; records may straddle its blocks.
    var reader = FileBlockReader()

    /// Reads the `lineLength` and `encoding` options and each object's position ranges; throws `adapterInvalid`
    /// for an unknown encoding, an object without a one-character `recordType`, or a location that is not a
    /// position range.
    public init(mapping: AdapterMapping) throws {
        lineLength = try mapping.options?["lineLength"]?.int() ?? 0
        let encoding = try mapping.options?["encoding"]?.string() ?? "utf-8"
        guard ["iso-8859-15", "utf-8"].contains(encoding) else {
            throw mapping.options!.error("encoding must be iso-8859-15 or utf-8", code: .adapterInvalid)
        }
        isLatin9 = encoding == "iso-8859-15"
        var layouts: [UInt8: Layout] = [:]
        for object in mapping.objects {
            guard let type = object.recordType, type.utf8.count == 1 else {
                throw KetenpoortError(.adapterInvalid, "\(mapping.source): object \(object.object.name) needs a one-character recordType")
            }
            let ranges = try object.fields.map { field -> (Int, Range<Int>, [ValueTransform]) in
                let parts = field.location.split(separator: "-").compactMap { Int($0) }
                guard (1...2).contains(parts.count), parts[0] >= 1, parts.last! >= parts[0] else {
                    throw KetenpoortError(
                        .adapterInvalid, "\(mapping.source): field \(field.field): '\(field.location)' is not a position range like 2-10")
                }
                return (object.object.slot(of: field.field)!, (parts[0] - 1)..<parts.last!, field.transforms)
            }
            layouts[type.utf8.first!] = Layout(mapping: object, ranges: ranges)
        }
        self.layouts = layouts
    }

    /// Reports the header, each detail record as an item, and the trailer, positioned by record number; a
    /// structural defect (unknown record type, empty line, misplaced header or trailer) rejects the file there.
    public func decode(_ url: URL, onlyFields: Set<String>?, sink: (DecodedEvent) throws -> Void) throws {
        var lineNumber = 0
        var sawHeader = false
        var sawTrailer = false
        var pending: [UInt8] = []
        var failed = false

        func fileFinding(_ message: String, _ record: Int) throws {
            failed = true
            try sink(.fileFinding(Finding(position: .record(record), field: nil, rule: .structure, message: message, level: .file)))
        }

        func handle(line: UnsafeBufferPointer<UInt8>) throws {
            lineNumber += 1
            if failed {
                // The file is rejected already; its remaining detail records are still counted.
                if let first = line.first, layouts[first]?.mapping.object.role == .item { try sink(.skippedItem(.record(lineNumber))) }
                return
            }
            var line = line
            if line.last == 13 { line = UnsafeBufferPointer(rebasing: line.dropLast()) }
            if line.isEmpty {
                try fileFinding("empty line", lineNumber)
                return
            }
            guard let layout = layouts[line[0]] else {
                try fileFinding("unknown record type", lineNumber)
                return
            }
            let role = layout.mapping.object.role
            /// Refuses the file at this record; a detail record is still the item it is, counted.
            func refuse(_ message: String) throws {
                try fileFinding(message, lineNumber)
                if role == .item { try sink(.skippedItem(.record(lineNumber))) }
            }
            if sawTrailer { return try refuse("a record follows the trailer") }
            switch role {
            case .header where sawHeader || lineNumber != 1: return try fileFinding("the header is not the first record", lineNumber)
            case .header: sawHeader = true
            case .trailer: sawTrailer = true
            default: if !sawHeader { return try refuse("the first record is not a header") }
            }
            var raw = RawItem(position: .record(lineNumber), texts: [String?](repeating: nil, count: layout.mapping.object.fields.count))
            if lineLength > 0 && line.count != lineLength {
                // Still read what the positions hold: the control total covers every detail record.
                raw.malformation = "the record is \(line.count) characters long, not \(lineLength)"
                if role != .item { return try fileFinding("the \(role.rawValue) is \(line.count) characters long, not \(lineLength)", lineNumber) }
            }
            do {
                for (slot, range, transforms) in layout.ranges {
                    if let onlyFields, role == .item, !onlyFields.contains(layout.mapping.object.fields[slot].name) { continue }
                    guard range.upperBound <= line.count else { continue }
                    let bytes = UnsafeBufferPointer(rebasing: line[range])
                    let text: String
                    if isLatin9 {
                        text = Latin9.decode(bytes)
                    } else {
                        guard let decoded = String(validating: bytes, as: UTF8.self) else {
                            raw.malformation = "a field is not valid UTF-8"
                            break
                        }
                        text = decoded
                    }
                    raw.texts[slot] = ResolvedFields.transform(text, transforms)
                }
            }
            switch role {
            case .header: try sink(.header(raw))
            case .trailer: try sink(.trailer(raw))
            default: try sink(.item(raw))
            }
        }

        try reader.forEachBlock(of: url) { buffer in
            var start = 0
            while let newline = buffer[start...].firstIndex(of: 10) {
                if pending.isEmpty {
                    try handle(line: UnsafeBufferPointer(rebasing: buffer[start..<newline]))
                } else {
                    pending.append(contentsOf: buffer[start..<newline])
                    try pending.withUnsafeBufferPointer { try handle(line: $0) }
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending.append(contentsOf: buffer[start...])
        }
        if !pending.isEmpty { try pending.withUnsafeBufferPointer { try handle(line: $0) } }
        if failed { return }
        if !sawHeader {
            try fileFinding("the file has no header record", 1)
        } else if !sawTrailer {
            try fileFinding("the file has no trailer record", lineNumber)
        }
    }
}
