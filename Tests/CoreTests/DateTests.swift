import Foundation
import KetenpoortCore
import PropertyBased
import Testing

@Suite("Dates")
struct DateTests {
    @Test("real calendar dates only")
    func calendar() {
        #expect(CalendarDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2024, month: 2, day: 31) == nil)
        #expect(CalendarDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CalendarDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CalendarDate(year: 2024, month: 13, day: 1) == nil)
        #expect(CalendarDate(year: 0, month: 1, day: 1) == nil)
    }

    @Test("incomplete dates allow 00 for day, or day and month, never the year")
    func incomplete() {
        #expect(IncompleteDate(year: 1990, month: 7, day: 0)?.compact == "19900700")
        #expect(IncompleteDate(year: 1985, month: 0, day: 0)?.iso == "1985-00-00")
        #expect(IncompleteDate(year: 1985, month: 0, day: 5) == nil)
        #expect(IncompleteDate(year: 0, month: 0, day: 0) == nil)
        #expect(IncompleteDate(year: 1990, month: 2, day: 30) == nil)
        #expect(IncompleteDate(year: 1990, month: 7, day: 0)?.earliestDay == CalendarDate(year: 1990, month: 7, day: 1))
        #expect(IncompleteDate(year: 1990, month: 7, day: 14)?.complete == CalendarDate(year: 1990, month: 7, day: 14))
    }

    @Test("days since epoch round-trip and keep order")
    func epochRoundTrip() async {
        await propertyCheck(input: Gen.int(in: -200_000...200_000)) { days in
            let date = CalendarDate(daysSinceEpoch: days)
            #expect(date.daysSinceEpoch == days)
            #expect(CalendarDate(year: date.year, month: date.month, day: date.day) == date)
            #expect(date < CalendarDate(daysSinceEpoch: days + 1))
        }
    }

    @Test("the calendar day of an instant is taken in Europe/Amsterdam")
    func amsterdamDay() {
        // 2026-11-21T23:30Z is already 22 November in Amsterdam (UTC+1).
        let instant = Date(timeIntervalSince1970: Double(CalendarDate(year: 2026, month: 11, day: 21)!.daysSinceEpoch) * 86400 + 23.5 * 3600)
        #expect(CalendarDate(instant: instant) == CalendarDate(year: 2026, month: 11, day: 22))
    }
}
