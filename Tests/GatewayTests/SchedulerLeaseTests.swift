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
        // The store's clock stands still: no lease runs out, however slowly a busy machine renews.
        let store = try SQLiteStore(path: directory.file("s.sqlite").path, clock: SteppingClock())
        let runs = LockedValue<[String]>([])
        let started = Gate(), finish = Gate()
        func entry(_ node: String) -> Scheduler.Entry {
            Scheduler.Entry(name: "nightly", cron: try! CronExpression("0 2 * * *")) { _, _ in
                runs.withLock { $0.append(node) }
                started.open()
                await finish.wait()
            }
        }
        let a = Scheduler(entries: [], store: store, holder: "node-a", leaseDuration: 3)
        let b = Scheduler(entries: [], store: store, holder: "node-b", leaseDuration: 3)
        let first = Task { await a.fire(entry("node-a"), due: Self.due) }
        await started.wait()
        // While node-a runs it, node-b finds the lease held and waits; node-a records the due time,
        // and node-b then finds it done.
        let second = Task { await b.fire(entry("node-b"), due: Self.due) }
        finish.open()
        await first.value
        await second.value
        #expect(runs.withLock { $0 } == ["node-a"])
        #expect(try await store.read { try $0.lastDue(schedule: "nightly") } == Self.due)
    }

    @Test("a node that died holding a run: its lease runs out and the waiting node runs it, once")
    func deadHolderTakenOver() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let clock = SteppingClock()
        let store = try SQLiteStore(path: directory.file("s.sqlite").path, clock: clock)
        // node-a took the run and died (another host: nothing tells node-b it is gone).
        #expect(try await store.write { try $0.acquireLease("schedule:nightly", holder: "elsewhere/1/dead", for: 60) } != nil)
        let ran = LockedValue(0)
        let b = Scheduler(entries: [], store: store, holder: "node-b", leaseDuration: 3)
        let waiting = Task {
            await b.fire(Scheduler.Entry(name: "nightly", cron: try! CronExpression("0 2 * * *")) { _, _ in ran.withLock { $0 += 1 } }, due: Self.due)
        }
        // node-b waits for the lease; once it has run out (the store's clock moves on) node-b runs the job.
        #expect(try await eventually { try store.read { try $0.lease("schedule:nightly") }?.holder == "elsewhere/1/dead" })
        clock.advance(61)
        await waiting.value
        #expect(ran.withLock { $0 } == 1)
        #expect(try await store.read { try $0.lastDue(schedule: "nightly") } == Self.due)
    }

    @Test("a lease of a dead process of this node is taken over at once; another node's, or a live one's, is not")
    func deadLocalHolder() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let store = try SQLiteStore(path: directory.file("s.sqlite").path)
        let child = Process()
        child.executableURL = URL(fileURLWithPath: "/bin/true")
        try child.run()
        child.waitUntilExit()
        let dead = "\(ProcessHolder.node)/\(child.processIdentifier)/00000000"
        let live = "\(ProcessHolder.node)/1/00000000"
        let remote = "another-\(ProcessHolder.node)/\(child.processIdentifier)/00000000"
        #expect(ProcessHolder.isDeadLocalProcess(dead))
        #expect(!ProcessHolder.isDeadLocalProcess(live))
        #expect(!ProcessHolder.isDeadLocalProcess(remote))
        #expect(!ProcessHolder.isDeadLocalProcess(ProcessHolder.name))
        for (holder, takenOver) in [(live, false), (remote, false), (dead, true)] {
            let name = "job-\(holder)"
            let held = try #require(try store.write { try $0.acquireLease(name, holder: holder, for: 60) })
            let taken = try store.write { try $0.acquireLeaseTakingOverDead(name, holder: ProcessHolder.name, for: 60) }
            #expect((taken != nil) == takenOver, "\(holder)")
            if let taken { #expect(taken.epoch > held.epoch) }
        }
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

    @Test("a store error as a schedule starts is not the end of it: the start is tried again and the missed run caught up")
    func startRetriedAfterStoreError() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let sqlite = try SQLiteStore(path: directory.file("s.sqlite").path)
        let missed = Date().addingTimeInterval(-2 * 86_400)
        try await sqlite.write { try $0.recordScheduled(schedule: "nightly", due: missed, startedAt: missed, finishedAt: missed) }
        let store = FailingStore(sqlite)
        let ran = LockedValue(0)
        let entry = Scheduler.Entry(name: "nightly", cron: try CronExpression("0 2 * * *")) { _, _ in ran.withLock { $0 += 1 } }
        let running = Task { try await Scheduler(entries: [entry], store: store, leaseDuration: 3).run() }
        defer { running.cancel() }
        #expect(try await eventually(within: .seconds(120)) { ran.withLock { $0 } == 1 }, "the missed run was caught up after the failed start")
        #expect(store.failures.withLock { $0 } == 0, "the first start failed")
    }
}
