import Foundation
import KetenpoortCore

/// A record's values as compact bytes, for scratch storage between the passes of a flow (the
/// nightly sync stages a night's records on disk and reads them back to seal them). The bytes are
/// no exchange format: they are read back by the same build, with the same contract object.
///
/// Each value is a tag byte followed by its payload: text and timestamps as a length (4 bytes) and
/// UTF-8, integers and instants as 8 bytes, dates as year (2 bytes), month and day.
extension Record {
    private enum Tag: UInt8 {
        case absent, text, integer, date, incompleteDate, timestamp, boolean
    }

    /// Appends the encoded values to `output`.
    public func encodeValues(into output: inout [UInt8]) {
        for value in values {
            switch value {
            case .absent: output.append(Tag.absent.rawValue)
            case .text(let text):
                output.append(Tag.text.rawValue)
                Self.appendText(text, to: &output)
            case .integer(let number):
                output.append(Tag.integer.rawValue)
                Self.append(UInt64(bitPattern: Int64(number)), to: &output)
            case .date(let date):
                output.append(Tag.date.rawValue)
                Self.appendDay(year: date.year, month: date.month, day: date.day, to: &output)
            case .incompleteDate(let date):
                output.append(Tag.incompleteDate.rawValue)
                Self.appendDay(year: date.year, month: date.month ?? 0, day: date.day ?? 0, to: &output)
            case .timestamp(let stamp):
                output.append(Tag.timestamp.rawValue)
                Self.append(stamp.instant.timeIntervalSince1970.bitPattern, to: &output)
                Self.appendText(stamp.text, to: &output)
            case .boolean(let flag):
                output.append(Tag.boolean.rawValue)
                output.append(flag ? 1 : 0)
            }
        }
    }

    /// The record of `object` whose values `bytes` holds (as `encodeValues(into:)` wrote them).
    public init(object: SchemaObject, encoded bytes: some Collection<UInt8>) throws {
        var reader = ByteReader(bytes: Array(bytes))
        var values: [FieldValue] = []
        values.reserveCapacity(object.fields.count)
        for _ in 0..<object.fields.count {
            guard let tag = Tag(rawValue: try reader.byte()) else { throw ByteReader.malformed }
            switch tag {
            case .absent: values.append(.absent)
            case .text: values.append(.text(try reader.text()))
            case .integer: values.append(.integer(Int(Int64(bitPattern: try reader.word()))))
            case .date:
                let (year, month, day) = try reader.day()
                guard let date = CalendarDate(year: year, month: month, day: day) else { throw ByteReader.malformed }
                values.append(.date(date))
            case .incompleteDate:
                let (year, month, day) = try reader.day()
                guard let date = IncompleteDate(year: year, month: month, day: day) else { throw ByteReader.malformed }
                values.append(.incompleteDate(date))
            case .timestamp:
                let instant = Date(timeIntervalSince1970: Double(bitPattern: try reader.word()))
                values.append(.timestamp(Timestamp(instant: instant, text: try reader.text())))
            case .boolean: values.append(.boolean(try reader.byte() != 0))
            }
        }
        guard reader.isAtEnd else { throw ByteReader.malformed }
        self.init(object: object, values: values)
    }

    private static func appendText(_ text: String, to output: inout [UInt8]) {
        var text = text
        text.withUTF8 { utf8 in
            append32(UInt32(utf8.count), to: &output)
            output.append(contentsOf: utf8)
        }
    }

    private static func appendDay(year: Int, month: Int, day: Int, to output: inout [UInt8]) {
        output.append(UInt8(truncatingIfNeeded: year >> 8))
        output.append(UInt8(truncatingIfNeeded: year))
        output.append(UInt8(truncatingIfNeeded: month))
        output.append(UInt8(truncatingIfNeeded: day))
    }

    private static func append32(_ value: UInt32, to output: inout [UInt8]) {
        for shift in stride(from: 24, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: value >> UInt32(shift))) }
    }

    private static func append(_ value: UInt64, to output: inout [UInt8]) {
        for shift in stride(from: 56, through: 0, by: -8) { output.append(UInt8(truncatingIfNeeded: value >> UInt64(shift))) }
    }
}

/// Reads the bytes `Record.encodeValues(into:)` wrote.
private struct ByteReader {
    static let malformed = KetenpoortError(.inputUnreadable, "staged record bytes are malformed")
    let bytes: [UInt8]
    var offset = 0

    var isAtEnd: Bool { offset == bytes.count }

    mutating func byte() throws -> UInt8 {
        guard offset < bytes.count else { throw Self.malformed }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func word() throws -> UInt64 {
        var value: UInt64 = 0
        for _ in 0..<8 { value = value << 8 | UInt64(try byte()) }
        return value
    }

    mutating func text() throws -> String {
        var count = 0
        for _ in 0..<4 { count = count << 8 | Int(try byte()) }
        guard count <= bytes.count - offset else { throw Self.malformed }
        defer { offset += count }
        return String(decoding: bytes[offset..<offset + count], as: UTF8.self)
    }

    mutating func day() throws -> (Int, Int, Int) {
        let year = Int(try byte()) << 8 | Int(try byte())
        return (year, Int(try byte()), Int(try byte()))
    }
}
