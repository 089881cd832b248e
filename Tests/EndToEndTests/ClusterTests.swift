import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// Issue 15's acceptance: three `ketenpoort run` nodes on one PostgreSQL, any of them killed at any
/// commit point, nothing lost, nothing sent twice, each scheduled run done once.
@Suite("Several nodes on PostgreSQL", .serialized)
struct ClusterTests {
    /// Where a node is killed while it syncs a night COA delivered to its inbox, one after the
    /// other, each time on the next node; COA then delivers the night again, to another node.
    static let syncKills = ["sync.begun:1", "sync.batch-committing:3", "sync.batch-committed:20", "sync.finished:1"]
    /// Where the nodes are killed while they deliver: the first three at once, one per node; the
    /// last on the first node again, started alone once all three died — the work left is then its
    /// own, so its point comes however fast the others had been.
    static let deliveryKills = ["delivery.answered:1", "delivery.recorded:3", "delivery.answered:8", "delivery.recorded:10"]

    @Test(
        "a night of 50,000 persons for 24 municipalities through the inbox of three nodes, one node killed at each commit point of the sync and of delivery: every notification arrives once, each scheduled run is done once, the chain verifies, the IND is answered throughout"
    )
    func nightAcrossNodes() async throws {
        let shared = try TempDirectory()
        defer { shared.remove() }
        let pki = shared.file("pki")
        try ClusterFixture.makePKI(in: pki)
        let snapshot = shared.file("tvs-export-20261122.csv")
        try SnapshotGenerator(rows: 50_000, municipalities: CrashFixture.municipalities).write(to: snapshot)

        let expected = try await CrashFixture.uninterrupted(snapshot, pki: pki)

        // Until the night is in, the receiver holds every delivery: the kills of delivery come after.
        let holding = LockedValue(true)
        let release = Gate()
        let hook = FaultHook { _ in
            if holding.withLock({ $0 }) { await release.wait() }
            return nil
        }
        let cluster = try await ClusterFixture.start(
            pki: pki, hook: hook, schedules: [#"{ name: drop-coa, cron: "* * * * *", job: coa-gemeenten, source: drop }"#])
        defer { release.open() }
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: cluster.config(0)), workspaceRoot: Repository.root)
        // DUO's extract, so the IND's questions have answers.
        let extract = shared.file("duo-inburgering-20261123.dat")
        try StatusAPIFixture.writeExtract(to: extract)
        #expect(try runtime.duoIngest().run(file: extract).outcome == .applied)
        for node in ClusterFixture.names.indices { try cluster.launch(node) }
        for node in ClusterFixture.names.indices { #expect(try await cluster.waitUntilServing(node), "\(ClusterFixture.names[node]) serves") }

        // The sync, killed on one node after another; the IND asks the other two meanwhile.
        var questions = QuestionTally()
        for (step, fault) in Self.syncKills.enumerated() {
            let node = step % 3
            await cluster.kill(node)
            let process = try cluster.launch(node, fault: fault)
            #expect(try await cluster.waitUntilServing(node))
            let asking = Task { await cluster.keepAsking(ClusterFixture.names.indices.filter { $0 != node }) }
            let delivering = Task { try? await cluster.deliver(snapshot, key: "coa-20261122", to: node) }
            // Bounded: a node that never reaches its fault (its sync failed first) fails the test, not CI's clock.
            let ended = try await poll(seconds: 600) { !process.isRunning }
            if !ended { await cluster.kill(node) }
            let status = await CLI.exitStatus(of: process)
            #expect(ended && status == SIGKILL, "\(fault) was not reached")
            #expect(await delivering.value?.status == nil, "COA got no answer from the node killed at \(fault)")
            asking.cancel()
            questions.add(await asking.value)
            try cluster.launch(node)
            #expect(try await cluster.waitUntilServing(node))
        }
        // COA delivers the night once more, to the next node: it was applied, and the receipt says so.
        let receipt = try await cluster.deliver(snapshot, key: "coa-20261122", to: 1)
        #expect(receipt.status == 201, "\(receipt.text)")
        #expect(receipt.json["outcome"] as? String == "applied")
        // And again, to a third node: the receipt is the store's, the same from every node.
        let again = try await cluster.deliver(snapshot, key: "coa-20261122", to: 2)
        #expect(again.status == 409, "\(again.text)")
        #expect(again.body == receipt.body && again.header("Ketenpoort-Signature") == receipt.header("Ketenpoort-Signature"))
        let sealed = try await runtime.store.read { try $0.batches(status: nil) }
        #expect(sealed.count > 500)

        // Delivery, killed on every node at once at its own point, the first to die once more.
        var faults = Self.deliveryKills
        var waiting: [(node: Int, process: Process, fault: String)] = []
        for node in ClusterFixture.names.indices {
            await cluster.kill(node)
            let fault = faults.removeFirst()
            waiting.append((node, try cluster.launch(node, fault: fault), fault))
        }
        holding.withLock { $0 = false }
        release.open()
        for (node, process, fault) in waiting {
            let status = try await cluster.exitStatus(of: process, unlessDelivered: runtime.store)
            #expect(status == SIGKILL, "\(fault) was not reached before the night was delivered")
            if status == nil { await cluster.kill(node) }
        }
        let last = faults.removeFirst()
        let alone = try cluster.launch(0, fault: last)
        let status = try await cluster.exitStatus(of: alone, unlessDelivered: runtime.store)
        #expect(status == SIGKILL, "\(last) was not reached before the night was delivered")
        if status == nil { await cluster.kill(0) }
        for node in ClusterFixture.names.indices { try cluster.launch(node) }
        for node in ClusterFixture.names.indices { #expect(try await cluster.waitUntilServing(node)) }
        let asking = Task { await cluster.keepAsking(Array(ClusterFixture.names.indices)) }
        #expect(try await cluster.waitUntilDelivered(runtime.store), "every batch delivered within 10 minutes")
        asking.cancel()
        questions.add(await asking.value)

        // Every notification of the uninterrupted night arrived, once; each batch with one set of bytes.
        let actual = try CrashFixture.notifications(in: cluster.received)
        let duplicated = actual.count - Set(actual).count
        let missing = Set(expected).subtracting(actual), extra = Set(actual).subtracting(expected)
        #expect(duplicated == 0, "\(duplicated) notification(s) arrived more than once")
        #expect(missing.isEmpty, "\(missing.count) notification(s) lost, e.g. \(missing.sorted().prefix(3))")
        #expect(extra.isEmpty, "\(extra.count) notification(s) not in the uninterrupted run, e.g. \(extra.sorted().prefix(3))")
        let batches = try await runtime.store.read { try $0.batches(status: nil) }
        #expect(batches.allSatisfy { $0.status == .delivered }, "none dead-lettered (a second set of bytes under one key is refused)")
        // The scheduled job ran once per due time, on one node or another.
        let runs = try await runtime.store.read { try $0.auditEntries(kind: "schedule.ran", field: "schedule", equals: "drop-coa") }
        let dues = runs.compactMap { entry in
            (try? JSONSerialization.jsonObject(with: Data(entry.payload.utf8)) as? [String: Any])?["due"] as? String
        }
        #expect(!dues.isEmpty)
        #expect(Set(dues).count == dues.count, "a due time run twice: \(dues.sorted())")
        let verified = try await cluster.cli(["audit", "verify"])
        #expect(verified.status == 0, "\(verified)")
        // The IND was answered throughout by the nodes not being killed.
        print("cluster: IND questions answered \(questions.answered), refused \(questions.refused); schedule runs \(runs.count)")
        #expect(questions.answered > 0)
        #expect(questions.refused == 0, "\(questions.refused) IND question(s) refused by a surviving node")
        var stopped: [Int32?] = []
        for node in ClusterFixture.names.indices { stopped.append(await cluster.terminate(node)) }
        #expect(stopped == [0, 0, 0], "each node stops cleanly on SIGTERM")
        if questions.refused > 0 || stopped != [0, 0, 0] { print(cluster.logTails()) }
        await cluster.stop()
    }

    @Test("a node paused past its lease (SIGSTOP, SIGCONT) writes nothing: its night falls to another node and is done once")
    func pausedNodeIsFenced() async throws {
        let shared = try TempDirectory()
        defer { shared.remove() }
        let pki = shared.file("pki")
        try ClusterFixture.makePKI(in: pki)
        let cluster = try await ClusterFixture.start(
            pki: pki, schedules: [#"{ name: nightly, cron: "0 2 * * *", job: coa-gemeenten, source: drop }"#], leaseSeconds: 3)
        try SnapshotGenerator(rows: 3_000, municipalities: CrashFixture.municipalities).write(
            to: cluster.dropFolder.appendingPathComponent("tvs-export-20261122.csv"))
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: cluster.config(0)), workspaceRoot: Repository.root)
        // The night was missed (the schedule last ran two days ago): a node starting now catches it up.
        let missed = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 - 2 * 86_400).rounded(.down))
        try await runtime.store.write { try $0.recordScheduled(schedule: "nightly", due: missed, startedAt: missed, finishedAt: missed) }

        // node-a takes the run and is held just after it marked the night begun.
        let paused = try cluster.launch(0, fault: "sync.begun:1:stop")
        #expect(try await poll(seconds: 300) { cluster.isStopped(0) || !paused.isRunning }, "node-a reached sync.begun")
        #expect(cluster.isStopped(0))
        // node-b waits out node-a's lease and runs the night.
        try cluster.launch(1)
        let done = try await poll(seconds: 300) {
            try await runtime.store.read { try $0.lastDue(schedule: "nightly") }.map { $0 > missed.addingTimeInterval(1) } ?? false
        }
        #expect(done, "node-b ran the night")
        let before = try await Fingerprint(runtime.store)
        #expect(before.runs == 1 && before.sealed > 0)

        // node-a goes on where it stopped: its lease is gone, its writes are refused; it looks at the
        // due time again and finds it done.
        kill(paused.processIdentifier, SIGCONT)
        let refused = try await poll(seconds: 120) {
            (try? String(contentsOf: cluster.logFile(0), encoding: .utf8))?.contains("scheduled run done already") == true
        }
        #expect(refused, "node-a found the night done")
        let log = try String(contentsOf: cluster.logFile(0), encoding: .utf8)
        #expect(log.contains("store.lease-lost"), "node-a's write was refused by the fence")
        #expect(log.contains("scheduled run lost its lease"))
        #expect(try await Fingerprint(runtime.store) == before, "node-a wrote nothing of its night")
        #expect(try await cluster.waitUntilDelivered(runtime.store))
        let received = try CrashFixture.notifications(in: cluster.received)
        #expect(received.count == Set(received).count && received.count == before.records, "each notification arrived once")
        let verified = try await cluster.cli(["audit", "verify"])
        #expect(verified.status == 0, "\(verified)")
        #expect(await cluster.terminate(0) == 0)
        #expect(await cluster.terminate(1) == 0)
        await cluster.stop()
    }
}

/// What a stale node's night would change: the sealed batches, the runs, the schedule's record
/// and their audit entries.
struct Fingerprint: Equatable {
    let batches: [BatchID]
    let sealed: Int
    let records: Int
    let runs: Int
    let lastDue: Date?
    let auditKinds: [String: Int]

    init(_ store: any Store) async throws {
        let read = try await store.read { tx in
            let batches = try tx.batches(status: nil)
            var kinds: [String: Int] = [:]
            let last = try tx.lastAuditEntry()?.seq ?? 0
            try tx.forEachAuditEntry(from: 1, through: last) { kinds[$0.kind, default: 0] += 1 }
            return (
                batches.map(\.id).sorted { $0.value < $1.value }, batches.reduce(0) { $0 + $1.recordCount },
                try tx.runs(job: CoaGemeenteSync.job).count, try tx.lastDue(schedule: "nightly"), kinds
            )
        }
        batches = read.0
        sealed = read.0.count
        records = read.1
        runs = read.2
        lastDue = read.3
        // Delivery goes on meanwhile: its entries are not the night's.
        auditKinds = read.4.filter { !$0.key.hasPrefix("delivery.") && $0.key != "audit.checkpoint" }
    }
}

/// The IND's questions to the nodes: answered (any HTTP answer below 500) or refused.
struct QuestionTally: Sendable {
    var answered = 0
    var refused = 0

    mutating func add(_ other: QuestionTally) {
        answered += other.answered
        refused += other.refused
    }
}

extension ClusterFixture {
    /// Asks the nodes `nodes` in turn, one question at a time, until cancelled.
    func keepAsking(_ nodes: [Int]) async -> QuestionTally {
        var tally = QuestionTally()
        while !Task.isCancelled {
            for node in nodes {
                let status = await ask(node, bsn: "111222035")
                if let status, status < 500 {
                    tally.answered += 1
                } else if !Task.isCancelled {
                    tally.refused += 1
                    print("cluster: \(Self.names[node]) refused an IND question: \(status.map { "HTTP \($0)" } ?? "no answer")")
                }
            }
        }
        return tally
    }

    /// Waits for `process` to end and gives its exit status; nil when every batch was delivered
    /// first (it did not reach its fault) — it is left running.
    func exitStatus(of process: Process, unlessDelivered store: any Store) async throws -> Int32? {
        while process.isRunning {
            if try await Self.allDelivered(store) && process.isRunning { return nil }
            try await Task.sleep(for: .milliseconds(200))
        }
        return await CLI.exitStatus(of: process)
    }

    /// Waits until every batch in the outbox is delivered (or dead-lettered), at most 10 minutes.
    func waitUntilDelivered(_ store: any Store) async throws -> Bool {
        try await poll(seconds: 600) { try await Self.allDelivered(store) }
    }

    static func allDelivered(_ store: any Store) async throws -> Bool {
        try await store.read { tx in
            let batches = try tx.batches(status: nil)
            return !batches.isEmpty && batches.allSatisfy { $0.status != .pending }
        }
    }
}

/// Waits for a state the test cannot be told of (another process's): checks `condition` every
/// 200 ms until it holds, at most `seconds` (a limit only for a test that fails).
func poll(seconds: Double, _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(200))
    }
    return try await condition()
}
