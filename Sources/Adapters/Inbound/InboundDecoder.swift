import Contracts
import Foundation
import KetenpoortCore

/// What a decoder reports while it reads a file, in order.
public enum DecodedEvent: Sendable {
    /// Columns the partner sent that the mapping does not know (CSV); they are ignored.
    case unknownColumns([String])
    /// The header record (fixed width).
    case header(RawItem)
    /// One item: a data row, detail record or JSON line.
    case item(RawItem)
    /// The trailer record (fixed width).
    case trailer(RawItem)
    /// A defect of the whole file (missing column, broken structure); the file is rejected.
    case fileFinding(Finding)
    /// An item after a file-level defect: not read, only counted (the file is rejected).
    case skippedItem(Position)
}

/// A codec reading one partner syntax into raw items of the mapping's contract objects.
public protocol InboundDecoder: Sendable {
    /// Reads `url` from start to end, streaming, and reports every event to `sink`.
    /// - Parameter onlyFields: when set, only these item fields need values (pre-scans).
    func decode(_ url: URL, onlyFields: Set<String>?, sink: (DecodedEvent) throws -> Void) throws
    /// Calls `body` with the slot and UTF-8 bytes of every value of `fields` in each item — for
    /// pre-scans that only hash values. It may report values `decode` would not (of a malformed
    /// row, say), never fewer.
    func forEachValue(in url: URL, of fields: Set<String>, _ body: (_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Void) throws
}

extension InboundDecoder {
    /// By default, `decode` limited to `fields`: each value's text, transforms applied, as UTF-8 bytes.
    public func forEachValue(in url: URL, of fields: Set<String>, _ body: (_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Void) throws {
        try forEachDecodedValue(in: url, of: fields, body)
    }

    /// `forEachValue` through `decode`: a text per value.
    func forEachDecodedValue(in url: URL, of fields: Set<String>, _ body: (_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Void) throws {
        try decode(url, onlyFields: fields) { event in
            guard case .item(let raw) = event else { return }
            for slot in raw.texts.indices {
                guard var text = raw.texts[slot] else { continue }
                text.withUTF8 { body(slot, $0) }
            }
        }
    }
}

/// The field slots and transforms of one object mapping, resolved once per file.
struct ResolvedFields: Sendable {
    struct Entry: Sendable {
        let slot: Int
        let location: String
        let transforms: [ValueTransform]
        /// Whether the transforms start with `trim` (done on the bytes, before making text).
        let trimsFirst: Bool
        /// The transforms after that first `trim`.
        let remaining: [ValueTransform]

        init(slot: Int, location: String, transforms: [ValueTransform]) {
            self.slot = slot
            self.location = location
            self.transforms = transforms
            if case .trim = transforms.first {
                trimsFirst = true
                remaining = Array(transforms.dropFirst())
            } else {
                trimsFirst = false
                remaining = transforms
            }
        }
    }
    let entries: [Entry]
    let fieldCount: Int

    init(_ mapping: ObjectMapping, onlyFields: Set<String>? = nil) {
        entries = mapping.fields.compactMap { field in
            if let onlyFields, !onlyFields.contains(field.field) { return nil }
            return Entry(slot: mapping.object.slot(of: field.field)!, location: field.location, transforms: field.transforms)
        }
        fieldCount = mapping.object.fields.count
    }

    @inline(__always)
    static func transform(_ text: String, _ transforms: [ValueTransform]) -> String? {
        var value: String? = text
        for transform in transforms {
            guard let current = value else { return nil }
            value = transform.apply(current)
        }
        if let value, value.isEmpty { return nil }
        return value
    }
}

/// The date layouts a mapping declares, by field name (for the validator).
extension ObjectMapping {
    /// By field name, the layout of each field that declares a `format:`: the `layouts` of `ItemValidator`.
    public var dateLayouts: [String: DateLayout] {
        var layouts: [String: DateLayout] = [:]
        for field in fields { if let layout = field.dateLayout { layouts[field.field] = layout } }
        return layouts
    }
}
