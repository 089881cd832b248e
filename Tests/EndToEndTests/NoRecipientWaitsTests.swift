import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import ServiceLifecycle
import Store
import Testing

/// No recipient waits for another (issue 12): a batch starts as soon as it is due and a slot is
/// free, retries count from the answer, and our own shutdown costs no attempt. The receiver's fault
/// hook orders every step; no test sleeps for part of a duration it measures.
@Suite("Delivery: no recipient waits for another", .serialized)
struct NoRecipientWaitsTests {
    /// The municipality that takes a request and does not answer until the test lets it.
    static let stalled = "gm0363"
    /// A delivery timeout far beyond every test's need: none waits for it when it passes.
    static let timeout = ["timeoutSeconds": 60]
    static let quiet = Logger(label: "delivery-test") { _ in SwiftLogNoOpLogHandler() }

    /// How the worker delivers.
    enum Mode: String, CaseIterable, Sendable {
        /// `ketenpoort deliver`: until nothing is pending.
        case deliverUntilDone
        /// `ketenpoort run`: a service until a graceful shutdown.
        case run
    }

    @Test(
        "a recipient that never answers holds only its own slot: the others, answered 503 + Retry-After: 1, are tried again a second after that answer and delivered while its request is still open",
        arguments: Mode.allCases)
    func stalledRecipient(mode: Mode) async throws {
        let released = Gate()
        defer { released.open() }
        let timeline = ReceiverTimeline()
        let hook = FaultHook { request in
            let number = timeline.arrived(request)
            if request.party == Self.stalled {
                await released.wait()
                return nil
            }
            guard number == 1 else { return nil }
            timeline.answering(request.party)
            return .respond(status: 503, retryAfter: "1")
        }
        let fixture = try await DeliveryFixture.start(faultHook: hook, delivery: Self.timeout)
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let batches = try await fixture.runtime.store.read { try $0.batches(status: nil) }
        let stalledBatch = try #require(batches.first { $0.recipient == Self.stalled }).id
        let others = batches.filter { $0.recipient != Self.stalled }
        #expect(others.count == 3)

        let client = CurlClient()
        let worker = DeliveryWorker(store: fixture.runtime.store, configuration: fixture.runtime.configuration, client: client)
        let group = ServiceGroup(services: [worker], logger: Self.quiet)
        let delivery = Task {
            switch mode {
            case .deliverUntilDone: return try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(60)).delivered
            case .run:
                try await group.run()
                return []
            }
        }
        let othersDelivered = try await eventually {
            try fixture.runtime.store.read { tx in try others.allSatisfy { try tx.batch(id: $0.id)?.status == .delivered } }
        }
        let stalledArrived = try await eventually { timeline.arrivals(to: Self.stalled).count == 1 }
        #expect(othersDelivered && stalledArrived, "the others are delivered while the stalled request is held")
        // Still open: the stalled attempt has not ended, so nothing of it is recorded.
        let stalledNow = try await #require(try fixture.runtime.store.read { try $0.batch(id: stalledBatch) })
        #expect(stalledNow.status == .pending && stalledNow.attempts == 0)

        released.open()
        if mode == .run {
            #expect(try await eventually { try fixture.runtime.store.read { try $0.batch(id: stalledBatch) }?.status == .delivered })
            await group.triggerGracefulShutdown()
        }
        let delivered = try await delivery.value
        await client.shutdown()
        if mode == .deliverUntilDone { #expect(Set(delivered) == Set(report.batches)) }
        #expect(try await fixture.runtime.store.read { try $0.batches(status: nil) }.allSatisfy { $0.status == .delivered })
        for party in others.map(\.recipient) {
            let answered = try #require(timeline.answers(to: party).first)
            let arrivals = timeline.arrivals(to: party)
            try #require(arrivals.count == 2)
            // The second attempt began after the 503 arrived plus Retry-After (a lower bound only).
            let waited = arrivals[1].timeIntervalSince(answered)
            #expect(waited >= 0.999, "\(party): tried again \(waited) s after the 503")
        }
    }

    @Test("Retry-After counts from the answer: a 503 + Retry-After: 2 that took 2 s to come is tried again no sooner than 2 s after it came")
    func retryAfterFromTheAnswer() async throws {
        let timeline = ReceiverTimeline()
        let hook = FaultHook { request in
            guard timeline.arrived(request) == 1 else { return nil }
            // A slow recipient: it answers the first request only after as long as it then asks to wait.
            try? await Task.sleep(for: .seconds(2))
            timeline.answering(request.party)
            return .respond(status: 503, retryAfter: "2")
        }
        let fixture = try await DeliveryFixture.start(faultHook: hook, delivery: Self.timeout)
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let client = CurlClient()
        let round = try await fixture.deliver(client)
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
        #expect(timeline.parties.count == report.batches.count)
        for party in timeline.parties {
            let answered = try #require(timeline.answers(to: party).first)
            let arrivals = timeline.arrivals(to: party)
            try #require(arrivals.count == 2)
            let waited = arrivals[1].timeIntervalSince(answered)
            #expect(waited >= 1.999, "\(party): tried again \(waited) s after the 503")
        }
    }

    /// How the worker is stopped.
    enum Stop: String, CaseIterable, Sendable {
        /// `ketenpoort run`'s way: a graceful shutdown of its service group (SIGTERM).
        case gracefulShutdown
        /// Its task is cancelled (a service group that fails to start cancels the others).
        case cancellation
    }

    @Test(
        "an attempt our own shutdown cuts short is not counted: the batch stays pending, due as it was, and a later worker delivers it",
        arguments: Stop.allCases)
    func shutdownCostsNoAttempt(stop: Stop) async throws {
        let held = Gate()
        defer { held.open() }
        let timeline = ReceiverTimeline()
        let hook = FaultHook { request in
            guard timeline.arrived(request) == 1 else { return nil }
            await held.wait()
            return .respond(status: 503, retryAfter: "0")
        }
        let fixture = try await DeliveryFixture.start(faultHook: hook, delivery: Self.timeout)
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let before = try await fixture.runtime.store.read { try $0.batches(status: nil) }

        let client = CurlClient()
        let worker = DeliveryWorker(store: fixture.runtime.store, configuration: fixture.runtime.configuration, client: client)
        let group = ServiceGroup(services: [worker], logger: Self.quiet)
        let running = Task {
            switch stop {
            case .gracefulShutdown: try await group.run()
            case .cancellation: try await worker.run()
            }
        }
        // Every batch's first attempt is held at the receiver.
        #expect(try await eventually { timeline.parties.count == report.batches.count })
        switch stop {
        case .gracefulShutdown: await group.triggerGracefulShutdown()
        case .cancellation: running.cancel()
        }
        try await running.value

        let after = try await fixture.runtime.store.read { try $0.batches(status: nil) }
        for (old, new) in zip(before, after) {
            #expect(new.status == .pending && new.attempts == 0 && new.nextAttemptAt == old.nextAttemptAt, "\(new.id)")
            #expect(
                try await fixture.runtime.store.read { try $0.auditEntries(kind: "delivery.attempt", field: "batch", equals: new.id.value) }.isEmpty)
        }

        held.open()
        let round = try await fixture.deliver(client)
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
        #expect(try await fixture.runtime.store.read { try $0.batches(status: nil) }.allSatisfy { $0.status == .delivered && $0.attempts == 1 })
        #expect(try fixture.receivedFiles().count == report.batches.count)
    }

    @Test("no more than maxInFlightPerRecipient attempts to one recipient: its next batch waits while the others are delivered")
    func perRecipientBound() async throws {
        let released = Gate()
        defer { released.open() }
        let timeline = ReceiverTimeline()
        let busy = "gm0344"
        let hook = FaultHook { request in
            _ = timeline.arrived(request)
            if request.party == busy { await released.wait() }
            return nil
        }
        // One record per batch: gm0344 gets two batches, the others one each.
        let fixture = try await DeliveryFixture.start(
            faultHook: hook, delivery: Self.timeout.merging(["maxBatchRecords": 1, "maxInFlightPerRecipient": 1]) { $1 })
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let batches = try await fixture.runtime.store.read { try $0.batches(status: nil) }
        let others = batches.filter { $0.recipient != busy }
        #expect(batches.filter { $0.recipient == busy }.count == 2)

        let client = CurlClient()
        let delivery = Task { try await fixture.deliver(client) }
        let busyArrived = try await eventually { !timeline.arrivals(to: busy).isEmpty }
        let othersDelivered = try await eventually {
            try fixture.runtime.store.read { tx in try others.allSatisfy { try tx.batch(id: $0.id)?.status == .delivered } }
        }
        #expect(busyArrived && othersDelivered)
        #expect(timeline.arrivals(to: busy).count == 1, "one attempt to \(busy) at a time")

        released.open()
        let round = try await delivery.value
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
        #expect(timeline.arrivals(to: busy).count == 2)
    }

    /// A fixture whose receiver notes every request in `timeline` and holds the stalled
    /// municipality's until `released` opens.
    static func startHoldingStalled(until released: Gate, timeline: ReceiverTimeline) async throws -> DeliveryFixture {
        let hook = FaultHook { request in
            _ = timeline.arrived(request)
            if request.party == Self.stalled { await released.wait() }
            return nil
        }
        return try await DeliveryFixture.start(faultHook: hook, delivery: Self.timeout)
    }

    @Test("a batch in flight keeps its claim: the renewals are written by a thread of normal policy, not as batch work a busy night can starve")
    func claimRenewedAtNormalPolicy() async throws {
        let released = Gate()
        defer { released.open() }
        let timeline = ReceiverTimeline()
        let fixture = try await Self.startHoldingStalled(until: released, timeline: timeline)
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let store = CountingStore(fixture.runtime.store)
        let client = CurlClient()
        // A claim of 3 s: renewed every second while the stalled request is held.
        let worker = DeliveryWorker(store: store, configuration: fixture.runtime.configuration, client: client, claimDuration: 3)
        let delivery = Task { try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(60)) }
        let othersDelivered = try await eventually {
            try fixture.runtime.store.read { tx in
                try tx.batches(status: nil).allSatisfy { $0.recipient == Self.stalled || $0.status == .delivered }
            }
        }
        let stalledArrived = try await eventually { timeline.arrivals(to: Self.stalled).count == 1 }
        #expect(othersDelivered && stalledArrived)
        // From here on only the stalled attempt is in flight: every write is a renewal of its claim.
        let before = store.blockingWritesLowered.count
        let renewalsBefore = store.renewals
        #expect(try await eventually { store.renewals >= renewalsBefore + 2 }, "the claim was renewed while the request was held")
        #expect(try await eventually { store.blockingWritesLowered.count >= before + 2 })
        let renewals = Array(store.blockingWritesLowered.dropFirst(before))
        #expect(!renewals.contains(true), "renewals written by a thread at batch priority: \(renewals)")
        released.open()
        let round = try await delivery.value
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
    }

    @Test("claims are renewed while the dispatch waits for the store: a listing held up behind a night's transactions does not let them run out")
    func claimRenewedWhileDispatchWaits() async throws {
        let released = Gate()
        defer { released.open() }
        let timeline = ReceiverTimeline()
        let fixture = try await Self.startHoldingStalled(until: released, timeline: timeline)
        defer { fixture.stop() }
        _ = try fixture.sync("tvs-export-20261121.csv")
        let store = CountingStore(fixture.runtime.store)
        defer { store.releaseReads() }
        let client = CurlClient()
        // A claim of 3 s, renewed every second; under run the outbox is listed every second.
        let worker = DeliveryWorker(store: store, configuration: fixture.runtime.configuration, client: client, claimDuration: 3)
        let group = ServiceGroup(services: [worker], logger: Self.quiet)
        let delivery = Task { try await group.run() }
        #expect(try await eventually { timeline.arrivals(to: Self.stalled).count == 1 })
        // Only the stalled attempt in flight (the others' attempts read the store too, and a busy
        // machine may still be sending them), then the dispatch's next listing waits for the store.
        #expect(
            try await eventually {
                try fixture.runtime.store.read { tx in
                    try tx.batches(status: nil).allSatisfy { $0.recipient == Self.stalled || $0.status == .delivered }
                }
            })
        store.holdReads()
        #expect(try await eventually { store.readsWaiting == 1 }, "the dispatch listed the outbox")
        let before = store.renewals
        #expect(try await eventually(within: .seconds(20)) { store.renewals >= before + 2 }, "the claim was renewed while the listing waited")
        store.releaseReads()
        released.open()
        let stalledDelivered = try await eventually {
            try fixture.runtime.store.read { tx in try tx.batches(status: nil).allSatisfy { $0.status == .delivered } }
        }
        #expect(stalledDelivered)
        await group.triggerGracefulShutdown()
        try await delivery.value
        await client.shutdown()
    }
}
