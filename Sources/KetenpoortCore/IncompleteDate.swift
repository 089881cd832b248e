/// A birth date whose day and/or month may be unknown (`00`), as in the Dutch population register.
///
/// `00-07-1990` is July 1990, `00-00-1985` is 1985. The year is always known.
public struct IncompleteDate: Hashable, Sendable, CustomStringConvertible {
    public let year: Int
    /// 1–12, or nil when unknown.
    public let month: Int?
    /// 1–31, or nil when unknown (always nil when the month is unknown).
    public let day: Int?

    /// Nil for a year of 0, a known day in an unknown month, or an impossible day.
    public init?(year: Int, month: Int, day: Int) {
        guard year >= 1, year <= 9999, (0...12).contains(month), day >= 0 else { return nil }
        if month == 0 {
            guard day == 0 else { return nil }
        } else if day != 0 {
            guard CalendarDate(year: year, month: month, day: day) != nil else { return nil }
        }
        self.year = year
        self.month = month == 0 ? nil : month
        self.day = day == 0 ? nil : day
    }

    /// The complete date, when day and month are both known.
    public var complete: CalendarDate? {
        guard let month, let day else { return nil }
        return CalendarDate(year: year, month: month, day: day)
    }

    /// The earliest real day this date can mean (for not-in-the-future checks).
    public var earliestDay: CalendarDate { CalendarDate(year: year, month: month ?? 1, day: day ?? 1)! }

    /// `yyyymmdd` with `00` for unknown parts.
    public var compact: String { DateText.pad(year, 4) + DateText.pad(month ?? 0, 2) + DateText.pad(day ?? 0, 2) }
    /// `yyyy-mm-dd` with `00` for unknown parts.
    public var iso: String { DateText.pad(year, 4) + "-" + DateText.pad(month ?? 0, 2) + "-" + DateText.pad(day ?? 0, 2) }
    public var description: String { iso }
}
