import Foundation
import PropertyBased
import Testing

@testable import StorePostgres

@Suite("PostgreSQL instants")
struct PostgresTimeTests {
    @Test("an instant goes out as UTC text to the microsecond and comes back the same")
    func roundTrip() async {
        await propertyCheck(input: Gen.int(in: -2_000_000_000_000_000...4_000_000_000_000_000)) { micros in
            let date = Date(timeIntervalSince1970: Double(micros) / 1_000_000)
            let text = PostgresTime.text(date)
            let back = PostgresTime.date(text)
            #expect(back.map { abs($0.timeIntervalSince(date)) < 0.000_001 } == true, "\(text)")
        }
    }

    @Test("the server's forms are read: with and without a fraction; anything else is not an instant")
    func serverForms() {
        #expect(PostgresTime.date("2026-11-30 18:44:00+00") == Date(timeIntervalSince1970: 1_796_064_240))
        #expect(PostgresTime.date("2026-11-30 18:44:00.5+00") == Date(timeIntervalSince1970: 1_796_064_240.5))
        #expect(PostgresTime.text(Date(timeIntervalSince1970: 1_796_064_240.25)) == "2026-11-30 18:44:00.250000+00")
        #expect(PostgresTime.date("2026-11-30T18:44:00Z") == nil)
        #expect(PostgresTime.date("2026-11-30 18:44:00+01") == nil)
    }
}
