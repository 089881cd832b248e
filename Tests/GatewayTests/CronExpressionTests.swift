import Contracts
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

@Suite("Cron schedules in Europe/Amsterdam")
struct CronExpressionTests {
    static func utc(_ text: String) -> Date { TimestampParserBridge.parse(text) }

    @Test("the nightly 02:00 run is 01:00 UTC in winter and 00:00 UTC in summer")
    func nightly() throws {
        let cron = try CronExpression("0 2 * * *")
        #expect(cron.nextRun(after: Self.utc("2026-11-24T12:00:00Z")) == Self.utc("2026-11-25T01:00:00Z"))
        #expect(cron.nextRun(after: Self.utc("2026-07-01T12:00:00Z")) == Self.utc("2026-07-02T00:00:00Z"))
    }

    @Test("a time that does not exist on the spring-forward day runs once, after the jump")
    func springForward() throws {
        let cron = try CronExpression("30 2 * * *")
        // 2027-03-28: clocks go from 02:00 CET to 03:00 CEST (01:00 UTC).
        let next = try #require(cron.nextRun(after: Self.utc("2027-03-27T12:00:00Z")))
        #expect(next >= Self.utc("2027-03-28T01:00:00Z"))
        #expect(next < Self.utc("2027-03-28T02:00:00Z"))
        let after = try #require(cron.nextRun(after: next))
        #expect(after == Self.utc("2027-03-29T00:30:00Z"))
    }

    @Test("a time that occurs twice on the fall-back day runs once, at its first occurrence")
    func fallBack() throws {
        let cron = try CronExpression("30 2 * * *")
        // 2026-10-25: 02:30 CEST (00:30 UTC), then again 02:30 CET (01:30 UTC).
        let first = try #require(cron.nextRun(after: Self.utc("2026-10-24T12:00:00Z")))
        #expect(first == Self.utc("2026-10-25T00:30:00Z"))
        #expect(cron.nextRun(after: first) == Self.utc("2026-10-26T01:30:00Z"))
    }

    @Test("lists, ranges, steps and weekdays")
    func fields() throws {
        let weekdays = try CronExpression("15,45 8-9 * * 1-5")
        // Friday 2026-11-27 09:45 CET = 08:45 UTC; the next is Monday 2026-11-30 08:15 CET.
        #expect(weekdays.nextRun(after: Self.utc("2026-11-27T08:45:00Z")) == Self.utc("2026-11-30T07:15:00Z"))
        let steps = try CronExpression("*/20 * * * *")
        #expect(steps.minutes == [0, 20, 40])
        #expect(try CronExpression("0 0 1 */3 *").months == [1, 4, 7, 10])
        #expect(try CronExpression("0 0 * * 7").daysOfWeek == [0])
    }

    @Test(
        "a bad expression names the field",
        arguments: [("0 2 * *", "five fields"), ("61 2 * * *", "minute"), ("0 2 * 13 *", "month"), ("0 x * * *", "hour"), ("*/0 * * * *", "step")])
    func invalid(text: String, message: String) {
        let error = #expect(throws: CronError.self) { try CronExpression(text) }
        #expect(error?.description.contains(message) == true, "\(error?.description ?? "")")
    }

    @Test("the run missed during downtime is found once")
    func catchUp() throws {
        let cron = try CronExpression("0 2 * * *")
        // Down from 2026-11-23 12:00 to 2026-11-25 12:00 UTC: the 24th and 25th were missed; the latest is caught up.
        let missed = cron.previousRun(atOrBefore: Self.utc("2026-11-25T12:00:00Z"), after: Self.utc("2026-11-23T12:00:00Z"))
        #expect(missed == Self.utc("2026-11-25T01:00:00Z"))
        #expect(cron.previousRun(atOrBefore: Self.utc("2026-11-25T00:30:00Z"), after: Self.utc("2026-11-25T00:00:00Z")) == nil)
    }
}

enum TimestampParserBridge {
    static func parse(_ text: String) -> Date { TimestampParser.parse(text)! }
}

@Suite("Scheduler")
struct SchedulerTests {
    static func store() throws -> (SQLiteStore, TempDirectory) {
        let directory = try TempDirectory()
        return (try SQLiteStore(path: directory.file("s.sqlite").path), directory)
    }

    @Test("after downtime the latest missed run is caught up once; a first start catches up nothing")
    func catchUpOnce() async throws {
        let (store, directory) = try Self.store()
        defer { directory.remove() }
        let now = FixedWallClock(TimestampParserBridge.parse("2026-11-25T12:00:00Z"))
        let runs = RunLog()
        let entry = Scheduler.Entry(name: "nightly", cron: try CronExpression("0 2 * * *")) { due, _ in await runs.append(due) }
        let scheduler = Scheduler(entries: [entry], store: store, clock: now)
        #expect(try await scheduler.missedRun(of: entry) == nil)
        try await store.write {
            try $0.recordScheduled(
                schedule: "nightly", due: TimestampParserBridge.parse("2026-11-23T01:00:00Z"), startedAt: Date(), finishedAt: Date())
        }
        let missed = try await #require(try scheduler.missedRun(of: entry))
        #expect(missed == TimestampParserBridge.parse("2026-11-25T01:00:00Z"))
        await scheduler.fire(entry, due: missed)
        #expect(await runs.dues == [missed])
        #expect(try await scheduler.missedRun(of: entry) == nil)
    }
}

actor RunLog {
    var dues: [Date] = []
    func append(_ due: Date) { dues.append(due) }
}
