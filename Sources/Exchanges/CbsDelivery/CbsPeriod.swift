import KetenpoortCore

/// A CBS delivery period: a calendar quarter, written `2026Q3`.
public struct CbsPeriod: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let year: Int
    /// 1…4.
    public let quarter: Int

    /// Parses `yyyyQn`.
    public init?(_ text: String) {
        let parts = text.split(separator: "Q", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), year >= 2000, let quarter = Int(parts[1]), (1...4).contains(quarter)
        else { return nil }
        self.year = year
        self.quarter = quarter
    }

    public init(year: Int, quarter: Int) {
        self.year = year
        self.quarter = quarter
    }

    /// The last day of the quarter.
    public var lastDay: CalendarDate {
        let month = quarter * 3
        return CalendarDate(year: year, month: month, day: CalendarDate.daysIn(month: month, year: year))!
    }

    /// The last quarter that has ended on or before `day`.
    public static func lastCompleted(on day: CalendarDate) -> CbsPeriod {
        let current = (day.month - 1) / 3 + 1
        return current == 1 ? CbsPeriod(year: day.year - 1, quarter: 4) : CbsPeriod(year: day.year, quarter: current - 1)
    }

    public var description: String { "\(year)Q\(quarter)" }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.quarter) < (rhs.year, rhs.quarter) }
}
