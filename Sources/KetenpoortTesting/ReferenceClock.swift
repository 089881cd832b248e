import Foundation
import KetenpoortCore

/// Fixed instants for tests of the pipeline (the samples are made for 2026-11-22).
public enum ReferenceClock {
    /// Noon in Amsterdam (11:00 UTC in winter) of the given day.
    public static func noon(_ year: Int, _ month: Int, _ day: Int) -> FixedWallClock {
        FixedWallClock(Date(timeIntervalSince1970: Double(CalendarDate(year: year, month: month, day: day)!.daysSinceEpoch) * 86400 + 11 * 3600))
    }
    /// The day the sample files are made for.
    public static let referenceDay = noon(2026, 11, 22)
    /// The day after the 2026-11-23 DUO file was made.
    public static let duoDay = noon(2026, 11, 24)
}
