import Contracts

/// A record's values for the mapping's fields, written straight to bytes: dates and numbers are
/// formatted into the output, text is escaped into it, without intermediate strings. Most fields
/// are read from the record's own values (shared, not copied); fields with transforms and values
/// from the context were rendered when this was made.
public struct RecordTexts: FieldTexts {
    /// The record's values.
    let source: [FieldValue]
    /// Per field: the slot of `source` it shows (≥ 0), the entry of `rendered` (`-2 - entry`), or
    /// nothing (-1).
    let origins: [Int]
    /// Values made for this record; absent where nothing is written.
    let rendered: [FieldValue]
    let layouts: [DateLayout]

    /// The number of fields of the mapping.
    public var count: Int { origins.count }

    /// The value written for `field`; absent when it is not written (an empty text included).
    @inline(__always)
    func value(_ field: Int) -> FieldValue {
        let origin = origins[field]
        if origin >= 0 {
            let value = source[origin]
            if case .text(let text) = value, text.isEmpty { return .absent }
            return value
        }
        return origin == -1 ? .absent : rendered[-2 - origin]
    }

    /// Whether `field` is written: not absent and not an empty text.
    public func isPresent(_ field: Int) -> Bool { !value(field).isAbsent }

    /// The text written for `field` (dates in its layout); nil when it is not written.
    public func text(_ field: Int) -> String? { value(field).writtenText(layout: layouts[field]) }

    /// Calls `body` with a pointer to the value written for each field — nil where nothing is —
    /// reading the values where they are, without copying them.
    func withWrittenValues<Result>(_ body: (UnsafeBufferPointer<UnsafePointer<FieldValue>?>) -> Result) -> Result {
        source.withUnsafeBufferPointer { source in
            rendered.withUnsafeBufferPointer { rendered in
                withUnsafeTemporaryAllocation(of: UnsafePointer<FieldValue>?.self, capacity: origins.count) { table in
                    for field in 0..<origins.count {
                        let origin = origins[field]
                        let pointer = origin >= 0 ? source.baseAddress! + origin : origin == -1 ? nil : rendered.baseAddress! + (-2 - origin)
                        table[field] = pointer.flatMap { $0.pointee.isWritten ? $0 : nil }
                    }
                    return body(UnsafeBufferPointer(table))
                }
            }
        }
    }
}

extension FieldValue {
    /// Whether a value is written at all: not absent, and not an empty text.
    var isWritten: Bool {
        switch self {
        case .absent: false
        case .text(let text): !text.isEmpty
        default: true
        }
    }
}

extension FieldValue {
    /// The value as a document writes it (dates in the field's layout); nil when absent.
    func writtenText(layout: DateLayout) -> String? {
        switch self {
        case .absent: nil
        case .text(let text): text
        case .integer(let value): String(value)
        case .boolean(let value): value ? "true" : "false"
        case .timestamp(let value): value.text
        case .date(let date): layout.format(date)
        case .incompleteDate(let date): layout.format(date)
        }
    }
}
