import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let leaseChecks: [ConformanceCheck] = [
        ConformanceCheck("a named lease has one holder; renewing keeps its epoch, a new holding raises it") { store, clock, _ in
            let a = try #require(try await store.write { try $0.acquireLease("night", holder: "node-a", for: 60) })
            #expect(a.epoch == 1)
            #expect(try await store.write { try $0.acquireLease("night", holder: "node-b", for: 60) } == nil, "held by another")
            #expect(try await store.write { try $0.acquireLease("other-job", holder: "node-b", for: 60) } != nil, "leases are per name")
            clock.advance(30)
            let renewed = try #require(try await store.write { try $0.acquireLease("night", holder: "node-a", for: 60) })
            #expect(renewed.epoch == 1)
            #expect(renewed.expiresAt == clock.now().addingTimeInterval(60))
            try await store.write { try $0.checkFence(renewed) }
        },
        ConformanceCheck("an extension moves a current lease's end under its epoch; a lost one is not extended, nor taken anew") { store, clock, _ in
            let lease = try #require(try await store.write { try $0.acquireLease("night", holder: "node-a", for: 60) })
            clock.advance(30)
            #expect(try await store.renewal { try $0.extendLease(lease, for: 60) })
            #expect(
                try await store.read { try $0.lease("night") }
                    == Lease(name: "night", holder: "node-a", epoch: lease.epoch, expiresAt: clock.now().addingTimeInterval(60)))
            // Expired with nobody else taking it: extending would be a new holding, so nothing changes.
            clock.advance(61)
            #expect(try await !store.renewal { try $0.extendLease(lease, for: 60) })
            #expect(try await store.read { try $0.lease("night") }?.expiresAt == clock.now().addingTimeInterval(-1))
            let b = try #require(try await store.write { try $0.acquireLease("night", holder: "node-b", for: 60) }, "free for another at once")
            #expect(try await !store.renewal { try $0.extendLease(lease, for: 60) }, "held by another")
            try await store.write { try $0.releaseLease(b) }
            #expect(try await !store.renewal { try $0.extendLease(b, for: 60) }, "released")
        },
        ConformanceCheck("a holder that paused past its lease finds the fence moved: its writes are refused") { store, clock, _ in
            let stale = try #require(try await store.write { try $0.acquireLease("night", holder: "node-a", for: 60) })
            clock.advance(61)
            await #expect(throws: KetenpoortError(.storeLeaseLost, ""), "expired, even before another takes it") {
                try await store.write { try $0.checkFence(stale) }
            }
            let b = try #require(try await store.write { try $0.acquireLease("night", holder: "node-b", for: 60) })
            #expect(b.epoch == stale.epoch + 1)
            await #expect(throws: KetenpoortError(.storeLeaseLost, "")) {
                try await store.write { tx in
                    try tx.checkFence(stale)
                    try tx.recordRun(RunRecord(id: "stale", job: "night", startedAt: .init(), finishedAt: .init(), report: "{}"))
                }
            }
            #expect(try await store.read { try $0.runs(job: "night") }.isEmpty, "the stale holder's write did not land")
            #expect(try await store.write { try $0.acquireLease("night", holder: "node-a", for: 60) } == nil)
        },
        ConformanceCheck("a released lease is free at once, and its old holding is fenced off") { store, _, _ in
            let a = try #require(try await store.write { try $0.acquireLease("cbs", holder: "node-a", for: 600) })
            try await store.write { try $0.releaseLease(a) }
            await #expect(throws: KetenpoortError(.storeLeaseLost, "")) { try await store.write { try $0.checkFence(a) } }
            let b = try #require(try await store.write { try $0.acquireLease("cbs", holder: "node-b", for: 600) })
            #expect(b.epoch == a.epoch + 1)
            try await store.write { try $0.releaseLease(a) }  // a stale release changes nothing
            try await store.write { try $0.checkFence(b) }
            #expect(try await store.read { try $0.lease("cbs") } == b)
        },
    ]
}
