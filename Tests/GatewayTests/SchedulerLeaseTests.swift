import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import StoreTesting
import Testing

/// Several schedulers on one store, as several nodes are: each due run happens once, and a node
/// that paused past its lease writes nothing.
@Suite("Scheduler leases")
struct SchedulerLeaseTests {
    static let due = Date(timeIntervalSince1970: 1_795_000_000)

    @Test("two nodes firing one due time at once: the job runs on one of them, and is recorded once")
    func onceAcrossNodes() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite").path)
        let runs = LockedValue<[String]>([])
        let started = Gate(), finish = Gate()
        func entry(_ node: String) -> Scheduler.Entry {
            Scheduler.Entry(name: "nightly", cron: try! CronExpression("0 2 * * *")) { _, _ in
                runs.withLock { $0.append(node) }
                started.open()
                await finish.wait()
            }
        }
        let a = Scheduler(entries: [], store: store, holder: "node-a")
        let b = Scheduler(entries: [], store: store, holder: "node-b")
        let first = Task { await a.fire(entry("node-a"), due: Self.due) }
        await started.wait()
        // While node-a runs it, node-b finds the lease held; once node-a is done, the due time is recorded.
        await b.fire(entry("node-b"), due: Self.due)
        finish.open()
        await first.value
        await b.fire(entry("node-b"), due: Self.due)
        #expect(runs.withLock { $0 } == ["node-a"])
        #expect(try await store.read { try $0.lastDue(schedule: "nightly") } == Self.due)
    }

    @Test("a node that paused past its lease writes nothing once another took the run over")
    func pausedNodeFenced() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let clock = SteppingClock()
        let store = try SQLiteStore(path: directory.file("s.sqlite").path, clock: clock)
        let paused = Gate(), resume = Gate()
        let outcome = LockedValue<(any Error)?>(nil)
        let stalled = Scheduler.Entry(name: "nightly", cron: try CronExpression("0 2 * * *")) { _, fenced in
            paused.open()
            await resume.wait()
            do {
                try await fenced.write {
                    try $0.acceptSnapshot(
                        SnapshotMark(source: "coa", date: CalendarDate(year: 2026, month: 11, day: 1)!, run: "stale", acceptedAt: Date(), items: 1))
                }
            } catch {
                outcome.withLock { $0 = error }
            }
        }
        let a = Scheduler(entries: [], store: store, holder: "node-a", leaseDuration: 60)
        let first = Task { await a.fire(stalled, due: Self.due) }
        await paused.wait()
        // node-a is paused past its lease (the store's clock moves on); node-b takes the run over.
        clock.advance(61)
        let b = Scheduler(entries: [], store: store, holder: "node-b", leaseDuration: 60)
        let ranOnB = LockedValue(false)
        await b.fire(Scheduler.Entry(name: "nightly", cron: try CronExpression("0 2 * * *")) { _, _ in ranOnB.withLock { $0 = true } }, due: Self.due)
        #expect(ranOnB.withLock { $0 })
        resume.open()
        await first.value
        #expect((outcome.withLock { $0 } as? KetenpoortError)?.code == .storeLeaseLost)
        #expect(try await store.read { try $0.lastSnapshot(source: "coa") } == nil, "the stale node's write did not land")
    }
}
