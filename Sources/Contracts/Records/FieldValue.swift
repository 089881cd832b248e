import Foundation
import KetenpoortCore

/// An instant with the text it was given in (so it is passed on exactly as received).
public struct Timestamp: Hashable, Sendable, Comparable {
    public let instant: Date
    public let text: String
    public init(instant: Date, text: String) {
        self.instant = instant
        self.text = text
    }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.instant < rhs.instant }
}

/// The typed value of one field of a canonical record.
public enum FieldValue: Hashable, Sendable {
    case absent
    case text(String)
    case integer(Int)
    case date(CalendarDate)
    case incompleteDate(IncompleteDate)
    case timestamp(Timestamp)
    case boolean(Bool)

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
