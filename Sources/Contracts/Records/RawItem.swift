import KetenpoortCore

/// One item as a codec read it: the text of each field of the contract object (nil when empty),
/// before typing and validation.
public struct RawItem: Sendable {
    /// Where the item is: its line, or its record number (fixed width).
    public var position: Position
    /// Indexed by the field slots of the contract object.
    public var texts: [String?]
    /// Set when the codec could not read the item at all (it is quarantined as `record.malformed`).
    public var malformation: String?
    /// Values of another type than the contract declares (their texts stay nil); each is a
    /// `field.type` finding.
    public var typeMismatches: [TypeMismatch] = []
    /// Slots (below 64) whose text the codec already screened for control characters while it
    /// read the bytes, and of those, the slots that have some: the validator need not scan again.
    public var screenedSlots: UInt64 = 0
    /// Of the `screenedSlots`, those whose text holds control characters (bit `1 << slot`).
    public var controlCharacterSlots: UInt64 = 0

    /// An item with `texts` by slot; `malformation` says why the codec could not read it, if so.
    public init(position: Position, texts: [String?], malformation: String? = nil) {
        self.position = position
        self.texts = texts
        self.malformation = malformation
    }
}

/// How a partner writes dates.
public enum DateLayout: String, Sendable, CaseIterable {
    /// `dd-mm-yyyy` (COA).
    case dayMonthYear = "dd-mm-yyyy"
    /// `yyyymmdd` (DUO, municipal XML birth dates).
    case compact = "yyyymmdd"
    /// `yyyy-mm-dd` (JSON, ISO 8601).
    case iso = "yyyy-mm-dd"

    /// Splits `text` into (year, month, day) numbers without checking the calendar; nil when the
    /// shape is wrong.
    public func parts(of text: String) -> (year: Int, month: Int, day: Int)? {
        var text = text
        return text.withUTF8 { parts(of: $0) }
    }

    /// `parts(of:)` of text given as its UTF-8 bytes.
    public func parts(of bytes: UnsafeBufferPointer<UInt8>) -> (year: Int, month: Int, day: Int)? {
        let year: Int, month: Int, day: Int
        switch self {
        case .dayMonthYear:
            guard bytes.count == 10, bytes[2] == 45, bytes[5] == 45 else { return nil }
            (day, month, year) = (Self.number(bytes, 0, 2), Self.number(bytes, 3, 2), Self.number(bytes, 6, 4))
        case .compact:
            guard bytes.count == 8 else { return nil }
            (year, month, day) = (Self.number(bytes, 0, 4), Self.number(bytes, 4, 2), Self.number(bytes, 6, 2))
        case .iso:
            guard bytes.count == 10, bytes[4] == 45, bytes[7] == 45 else { return nil }
            (year, month, day) = (Self.number(bytes, 0, 4), Self.number(bytes, 5, 2), Self.number(bytes, 8, 2))
        }
        guard year >= 0, month >= 0, day >= 0 else { return nil }
        return (year, month, day)
    }

    /// The number the `count` ASCII digits at `start` spell; -1 when one of them is not a digit.
    @inline(__always)
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int {
        var value = 0
        for index in start..<(start + count) {
            let digit = Int(bytes[index]) &- 48
            if digit < 0 || digit > 9 { return -1 }
            value = value &* 10 &+ digit
        }
        return value
    }

    /// Appends a date in this layout to `output` as ASCII digits.
    public func append(_ date: CalendarDateConvertible, to output: inout [UInt8]) {
        let (y, m, d) = date.dateParts
        func put(_ value: Int, _ width: Int) {
            var divisor = width == 4 ? 1000 : 10
            while divisor > 0 {
                output.append(UInt8(48 + (value / divisor) % 10))
                divisor /= 10
            }
        }
        switch self {
        case .dayMonthYear:
            put(d, 2); output.append(45); put(m, 2); output.append(45); put(y, 4)
        case .compact:
            put(y, 4); put(m, 2); put(d, 2)
        case .iso:
            put(y, 4); output.append(45); put(m, 2); output.append(45); put(d, 2)
        }
    }

    /// Writes a date in this layout.
    public func format(_ date: CalendarDateConvertible) -> String {
        let (y, m, d) = date.dateParts
        var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        return withUnsafeMutableBytes(of: &bytes) { raw in
            let out = raw.bindMemory(to: UInt8.self)
            func put(_ value: Int, _ width: Int, _ at: Int) {
                var v = value
                for i in stride(from: at + width - 1, through: at, by: -1) {
                    out[i] = UInt8(48 + v % 10)
                    v /= 10
                }
            }
            let count: Int
            switch self {
            case .dayMonthYear:
                put(d, 2, 0); out[2] = 45; put(m, 2, 3); out[5] = 45; put(y, 4, 6); count = 10
            case .compact:
                put(y, 4, 0); put(m, 2, 4); put(d, 2, 6); count = 8
            case .iso:
                put(y, 4, 0); out[4] = 45; put(m, 2, 5); out[7] = 45; put(d, 2, 8); count = 10
            }
            return String(decoding: UnsafeBufferPointer(rebasing: out[0..<count]), as: UTF8.self)
        }
    }
}

/// A complete or incomplete date, as numbers (0 for unknown parts).
public protocol CalendarDateConvertible {
    /// (year, month, day); 0 for an unknown month or day.
    var dateParts: (Int, Int, Int) { get }
}

extension CalendarDate: CalendarDateConvertible {
    /// (year, month, day).
    public var dateParts: (Int, Int, Int) { (year, month, day) }
}

extension IncompleteDate: CalendarDateConvertible {
    /// (year, month, day); 0 for an unknown month or day.
    public var dateParts: (Int, Int, Int) { (year, month ?? 0, day ?? 0) }
}
