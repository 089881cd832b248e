import Contracts
import Foundation
import KetenpoortCore

/// A partner's file-name rule as its adapter mapping writes it (`fileName: "tvs-export-{yyyymmdd}.csv"`):
/// literal text and placeholders in braces. `{yyyymmdd}` stands for a day (eight digits that make a
/// real date); any other placeholder for one or more of `A-Z a-z 0-9 . _ -`. This is the only
/// file-name rule: the drop folders, the inbox and the commands all ask it.
public struct FileNameTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal([UInt8])
        case date
        case name

        var isPlaceholder: Bool {
            if case .literal = self { false } else { true }
        }
    }

    let parts: [Part]
    /// The template as written.
    public let description: String

    /// Parses `template`; throws `adapter.invalid` for an unclosed or empty placeholder, or two
    /// placeholders with nothing between them.
    public init(_ template: String) throws {
        var parts: [Part] = []
        var rest = Substring(template)
        while !rest.isEmpty {
            guard let open = rest.firstIndex(of: "{") else {
                parts.append(.literal(Array(rest.utf8)))
                break
            }
            if open > rest.startIndex { parts.append(.literal(Array(rest[..<open].utf8))) }
            guard let close = rest[open...].firstIndex(of: "}"), rest.index(after: open) < close else {
                throw KetenpoortError(.adapterInvalid, "fileName \"\(template)\": a placeholder must be a name in braces")
            }
            guard parts.last?.isPlaceholder != true else {
                throw KetenpoortError(.adapterInvalid, "fileName \"\(template)\": two placeholders need text between them")
            }
            parts.append(rest[rest.index(after: open)..<close] == "yyyymmdd" ? .date : .name)
            rest = rest[rest.index(after: close)...]
        }
        self.parts = parts
        description = template
    }

    /// Whether `fileName` follows the template.
    public func matches(_ fileName: String) -> Bool { match(fileName).matches }

    /// The day `{yyyymmdd}` stands for in `fileName`; nil when the name does not follow the
    /// template or the template has no date.
    public func date(in fileName: String) -> CalendarDate? { match(fileName).date }

    private func match(_ fileName: String) -> (matches: Bool, date: CalendarDate?) {
        var date: CalendarDate?
        let matches = match(Array(fileName.utf8), from: 0, part: 0, date: &date)
        return (matches, matches ? date : nil)
    }

    /// Matches `parts[part...]` against `bytes[offset...]`, trying each length a name placeholder can take.
    private func match(_ bytes: [UInt8], from offset: Int, part: Int, date: inout CalendarDate?) -> Bool {
        guard part < parts.count else { return offset == bytes.count }
        switch parts[part] {
        case .literal(let text):
            guard bytes.count - offset >= text.count, bytes[offset..<offset + text.count].elementsEqual(text) else { return false }
            return match(bytes, from: offset + text.count, part: part + 1, date: &date)
        case .date:
            let digits = bytes[offset..<min(offset + 8, bytes.count)]
            guard let (year, month, day) = digits.withUnsafeBufferPointer({ DateLayout.compact.parts(of: $0) }),
                let day = CalendarDate(year: year, month: month, day: day)
            else { return false }
            date = day
            return match(bytes, from: offset + 8, part: part + 1, date: &date)
        case .name:
            var end = offset
            while end < bytes.count, Self.isNameByte(bytes[end]) {
                end += 1
                if match(bytes, from: end, part: part + 1, date: &date) { return true }
            }
            return false
        }
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"): true
        default: false
        }
    }
}
