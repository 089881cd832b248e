import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Testing

/// Two delivery workers on one store, as on two nodes: a batch one of them is sending is not sent
/// by the other.
@Suite("Delivery claims across nodes")
struct DeliveryClaimTests {
    @Test("a second worker sends nothing another worker is sending; each batch arrives once")
    func oneSenderPerBatch() async throws {
        let held = Gate()
        defer { held.open() }
        let timeline = ReceiverTimeline()
        let hook = FaultHook { request in
            _ = timeline.arrived(request)
            await held.wait()
            return nil
        }
        // node-a's attempts are held until node-b is done, however long a busy machine takes.
        let fixture = try await DeliveryFixture.start(faultHook: hook, delivery: ["timeoutSeconds": 600])
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let client = CurlClient()
        // Claims that outlast the test: node-a's hold must not end because a busy machine delayed
        // its renewal (expiry and take-over: the store conformance suite and ClusterTests).
        let (store, configuration) = (fixture.runtime.store, fixture.runtime.configuration)
        let nodeA = DeliveryWorker(store: store, configuration: configuration, client: client, holder: "node-a", claimDuration: 3_600)
        let nodeB = DeliveryWorker(store: store, configuration: configuration, client: client, holder: "node-b", claimDuration: 3_600)
        let first = Task { try await nodeA.deliverUntilDone(deadline: Date().addingTimeInterval(60)) }
        // Every batch is on its way from node-a, held at the receiver.
        #expect(try await eventually { timeline.parties.count == report.batches.count })
        let second = try await nodeB.deliverUntilDone(deadline: Date().addingTimeInterval(1))
        #expect(second.delivered.isEmpty && second.deadLettered.isEmpty, "node-b finished nothing node-a holds")
        #expect(Set(second.retrying) == Set(report.batches), "still pending when node-b gave up: node-a has them")
        for party in timeline.parties { #expect(timeline.arrivals(to: party).count == 1, "node-b sent nothing to \(party)") }
        held.open()
        let round = try await first.value
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
        for party in timeline.parties { #expect(timeline.arrivals(to: party).count == 1, "\(party)") }
        #expect(try fixture.batches().allSatisfy { $0.status == .delivered && $0.attempts == 1 })
    }

    @Test("a dispatch whose deadline passes while its claim is being made starts nothing and leaves no claim behind")
    func stoppedWhileClaiming() async throws {
        let timeline = ReceiverTimeline()
        let hook = FaultHook { request in
            _ = timeline.arrived(request)
            return nil
        }
        let fixture = try await DeliveryFixture.start(faultHook: hook)
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let client = CurlClient()
        let (store, configuration) = (fixture.runtime.store, fixture.runtime.configuration)
        let proceed = Gate()
        let reached = LockedValue(false)
        let nodeA = DeliveryWorker(
            store: store, configuration: configuration, client: client, holder: "node-a", claimDuration: 3_600,
            beforeClaim: {
                reached.withLock { $0 = true }
                await proceed.wait()
            })
        let deadline = Date().addingTimeInterval(20)
        let first = Task { try await nodeA.deliverUntilDone(deadline: deadline) }
        let ended = LockedValue(false)
        let watcher = Task {
            _ = try? await first.value
            ended.withLock { $0 = true }
        }
        // The claim is held until the dispatch's deadline has passed. (On a machine so slow that the
        // dispatch reached its deadline before any claim, nothing was admitted: the checks below hold too.)
        #expect(try await eventually(within: .seconds(600)) { reached.withLock { $0 } || ended.withLock { $0 } })
        #expect(try await eventually(within: .seconds(600)) { Date() >= deadline })
        proceed.open()
        await watcher.value
        let round = try await first.value
        #expect(round.delivered.isEmpty && round.deadLettered.isEmpty)
        #expect(timeline.parties.isEmpty, "nothing was sent after the deadline")
        // Its claims were released: another worker takes every batch at once (held claims would last an hour).
        let nodeB = DeliveryWorker(store: store, configuration: configuration, client: client, holder: "node-b", claimDuration: 3_600)
        let second = try await nodeB.deliverUntilDone(deadline: Date().addingTimeInterval(60))
        await client.shutdown()
        #expect(Set(second.delivered) == Set(report.batches))
    }
}
