import Foundation
import KetenpoortCore

/// An instant with the text it was given in (so it is passed on exactly as received).
public struct Timestamp: Hashable, Sendable, Comparable {
    /// The moment the text names.
    public let instant: Date
    /// The text as received, e.g. `2026-11-19T10:02:00+01:00`.
    public let text: String
    /// Memberwise; `text` should be the text `instant` was read from.
    public init(instant: Date, text: String) {
        self.instant = instant
        self.text = text
    }
    /// Orders by instant, whatever zone the texts are written in.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.instant < rhs.instant }
}

/// The typed value of one field of a canonical record.
public enum FieldValue: Hashable, Sendable {
    /// No value: empty or missing in the input, or failing validation.
    case absent
    /// A `string` value.
    case text(String)
    /// An `integer` value.
    case integer(Int)
    /// A complete `date`.
    case date(CalendarDate)
    /// A date of format `incomplete-date` whose day and/or month is unknown.
    case incompleteDate(IncompleteDate)
    /// A `timestamp`, with the text it was given in.
    case timestamp(Timestamp)
    /// A `boolean` (`true` or `J`, `false` or `N` in the input).
    case boolean(Bool)

    /// Whether the field has no value (empty, missing, or failing validation).
    public var isAbsent: Bool {
        if case .absent = self { return true }
        return false
    }

    /// The value as text, for values that are text.
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The value as an integer, for integers.
    public var integer: Int? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The value as a complete date, for dates.
    public var date: CalendarDate? {
        switch self {
        case .date(let value): value
        case .incompleteDate(let value): value.complete
        default: nil
        }
    }

    /// The value as a timestamp, for timestamps.
    public var timestamp: Timestamp? {
        if case .timestamp(let value) = self { return value }
        return nil
    }
}

extension FieldValue {
    /// `count` absent values, initialised in one sweep (cheaper than `Array(repeating:count:)`
    /// for this enum in the per-record loops).
    public static func absentValues(count: Int) -> [FieldValue] {
        [FieldValue](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress?.initialize(repeating: .absent, count: count)
            initialized = count
        }
    }
}

extension FieldValue: CustomStringConvertible {
    /// Never the value itself: records hold personal data.
    public var description: String { isAbsent ? "absent" : "value(redacted)" }
}
