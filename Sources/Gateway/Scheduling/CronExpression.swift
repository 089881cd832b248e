import Foundation
import KetenpoortCore

/// A five-field cron expression (`minute hour day-of-month month day-of-week`) with `*`, lists,
/// ranges and steps, evaluated on the wall clock of a time zone (Europe/Amsterdam by default).
///
/// Around daylight-saving changes it behaves as operators expect: a time that does not exist
/// (02:30 on the last Sunday of March) runs at the first moment after the jump; a time that occurs
/// twice (02:30 on the last Sunday of October) runs once, at its first occurrence.
public struct CronExpression: Sendable, Equatable, CustomStringConvertible {
    public let minutes: Set<Int>
    public let hours: Set<Int>
    public let daysOfMonth: Set<Int>
    public let months: Set<Int>
    /// 0 = Sunday … 6 = Saturday (7 is accepted as Sunday).
    public let daysOfWeek: Set<Int>
    let isDayOfMonthRestricted: Bool
    let isDayOfWeekRestricted: Bool
    public let source: String

    /// Parses `text`; the error names the field and what is wrong.
    public init(_ text: String) throws {
        let fields = text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count == 5 else { throw CronError("'\(text)' needs five fields: minute hour day-of-month month day-of-week") }
        minutes = try Self.parse(fields[0], name: "minute", range: 0...59)
        hours = try Self.parse(fields[1], name: "hour", range: 0...23)
        daysOfMonth = try Self.parse(fields[2], name: "day-of-month", range: 1...31)
        months = try Self.parse(fields[3], name: "month", range: 1...12)
        daysOfWeek = Set(try Self.parse(fields[4], name: "day-of-week", range: 0...7).map { $0 == 7 ? 0 : $0 })
        isDayOfMonthRestricted = fields[2] != "*"
        isDayOfWeekRestricted = fields[4] != "*"
        source = text
    }

    public var description: String { source }

    static func parse(_ field: String, name: String, range: ClosedRange<Int>) throws -> Set<Int> {
        var values = Set<Int>()
        for part in field.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard (1...2).contains(pieces.count) else { throw CronError("\(name): '\(part)' is not a value, range or step") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw CronError("\(name): the step in '\(part)' must be a positive number") }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else {
                let ends = pieces[0].split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
                guard ends.allSatisfy({ $0 != nil }), let low = ends.first!, let high = ends.last!, ends.count <= 2, low <= high else {
                    throw CronError("\(name): '\(part)' is not a number or a range low-high")
                }
                guard range.contains(low), range.contains(high) else {
                    throw CronError("\(name): '\(part)' is outside \(range.lowerBound)-\(range.upperBound)")
                }
                bounds = pieces.count == 2 && ends.count == 1 ? low...range.upperBound : low...high
            }
            values.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return values
    }

    /// Whether the calendar day matches (cron's rule: when both day fields are restricted, either matches).
    func matchesDay(day: Int, month: Int, weekday: Int) -> Bool {
        guard months.contains(month) else { return false }
        switch (isDayOfMonthRestricted, isDayOfWeekRestricted) {
        case (true, true): return daysOfMonth.contains(day) || daysOfWeek.contains(weekday)
        case (true, false): return daysOfMonth.contains(day)
        case (false, true): return daysOfWeek.contains(weekday)
        case (false, false): return true
        }
    }

    /// The first moment strictly after `instant` that the expression fires, on `timeZone`'s wall clock.
    public func nextRun(after instant: Date, in timeZone: TimeZone = .amsterdam) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let start = calendar.startOfDay(for: instant)
        // Five years is enough for any expression that can fire at all (29 February on a Monday is the worst).
        for dayOffset in 0..<(366 * 5) {
            guard let day = calendar.date(byAdding: .day, value: dayOffset, to: start) else { return nil }
            let parts = calendar.dateComponents([.year, .month, .day, .weekday], from: day)
            guard matchesDay(day: parts.day!, month: parts.month!, weekday: parts.weekday! - 1) else { continue }
            for hour in hours.sorted() {
                for minute in minutes.sorted() {
                    var wanted = DateComponents()
                    (wanted.year, wanted.month, wanted.day, wanted.hour, wanted.minute) = (parts.year, parts.month, parts.day, hour, minute)
                    // Foundation moves a wall-clock time that does not exist forward past the jump,
                    // and takes the first of a time that occurs twice.
                    guard let candidate = calendar.date(from: wanted), candidate > instant else { continue }
                    return candidate
                }
            }
        }
        return nil
    }

    /// The last moment at or before `instant` that the expression fired (for catching up after downtime).
    public func previousRun(atOrBefore instant: Date, in timeZone: TimeZone = .amsterdam, after floor: Date) -> Date? {
        var latest: Date?
        var cursor = floor
        while let next = nextRun(after: cursor, in: timeZone), next <= instant {
            latest = next
            cursor = next
        }
        return latest
    }
}

/// A cron expression that does not parse.
public struct CronError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}
