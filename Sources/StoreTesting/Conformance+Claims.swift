import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let claimChecks: [ConformanceCheck] = [
        ConformanceCheck("a due batch is claimed by one holder until its claim expires; then another takes it over") { store, clock, _ in
            try await store.write { tx in
                for id: BatchID in ["c1", "c2", "c3"] { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) }
            }
            let first = try await store.write { try $0.claimDue(holder: "node-a", limit: 2, for: 30) }
            #expect(first.map(\.id) == ["c1", "c2"], "earliest sealed first, at most the limit")
            let second = try await store.write { try $0.claimDue(holder: "node-b", limit: 10, for: 30) }
            #expect(second.map(\.id) == ["c3"], "a live claim is not taken")
            #expect(try await store.write { try $0.claimDue(holder: "node-c", limit: 10, for: 30) }.isEmpty)

            clock.advance(20)
            #expect(try await store.write { try $0.renewClaim(batch: "c1", holder: "node-a", for: 30) }, "renewed while live")
            clock.advance(15)
            // c2 expired (35 s > 30 s); c1 was renewed to 50 s.
            let takeover = try await store.write { try $0.claimDue(holder: "node-b", limit: 10, for: 30) }
            #expect(takeover.map(\.id) == ["c2", "c3"], "expired claims are free; a holder may take its own expired claim again")
            #expect(try await !store.write { try $0.renewClaim(batch: "c2", holder: "node-a", for: 30) }, "a claim taken over is lost")

            try await store.write { try $0.releaseClaim(batch: "c1", holder: "node-b") }
            #expect(try await store.write { try $0.claimDue(holder: "node-c", limit: 10, for: 30) }.isEmpty, "only the holder releases")
            try await store.write { try $0.releaseClaim(batch: "c1", holder: "node-a") }
            #expect(try await store.write { try $0.claimDue(holder: "node-c", limit: 10, for: 30) }.map(\.id) == ["c1"], "released: free at once")
        },
        ConformanceCheck("only pending batches that are due are claimed") { store, clock, _ in
            let now = clock.now()
            try await store.write { tx in
                for id: BatchID in ["later", "delivered", "dead", "due"] {
                    try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8))
                }
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "later", at: now, httpStatus: 503, error: "HTTP 503", receipt: nil), status: .pending,
                    nextAttemptAt: now.addingTimeInterval(60))
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "delivered", at: now, httpStatus: 200, error: nil, receipt: nil), status: .delivered, nextAttemptAt: nil)
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "dead", at: now, httpStatus: 500, error: "HTTP 500", receipt: nil), status: .deadLettered,
                    nextAttemptAt: nil)
            }
            #expect(try await store.write { try $0.claimDue(holder: "n", limit: 10, for: 120) }.map(\.id) == ["due"])
            clock.advance(60)
            #expect(try await store.write { try $0.claimDue(holder: "n", limit: 10, for: 30) }.map(\.id) == ["later"])
        },
        ConformanceCheck("two claimers at once never hold one batch, and together they take each due batch once") { store, _, _ in
            let ids = (0..<40).map { BatchID(String(format: "p%02d", $0)) }
            try await store.write { tx in for id in ids { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) } }
            let claimed = try await withThrowingTaskGroup(of: [BatchID].self) { group in
                for node in 0..<8 {
                    group.addTask {
                        var mine: [BatchID] = []
                        // Bounded: an engine that hands out held batches again must fail here, not hang.
                        for _ in 0..<ids.count {
                            let got = try await store.write { try $0.claimDue(holder: "node-\(node)", limit: 3, for: 300) }
                            if got.isEmpty { break }
                            mine += got.map(\.id)
                        }
                        return mine
                    }
                }
                return try await group.reduce(into: [[BatchID]]()) { $0.append($1) }
            }
            let all = claimed.flatMap { $0 }
            #expect(all.count == ids.count, "no batch held twice")
            #expect(Set(all) == Set(ids), "every due batch claimed")
        },
    ]
}
