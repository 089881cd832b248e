import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let claimChecks: [ConformanceCheck] = [
        ConformanceCheck("a pending batch is claimed by one holder until its claim expires; then another takes it over") { store, clock, _ in
            try await store.write { tx in
                for id: BatchID in ["c1", "c2", "c3"] { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) }
            }
            let all: [BatchID] = ["c1", "c2", "c3"]
            #expect(try await store.write { try $0.claim(batches: ["c1", "c2"], holder: "node-a", for: 30) } == ["c1", "c2"])
            #expect(try await store.write { try $0.claim(batches: ["c2", "c3"], holder: "node-b", for: 30) } == ["c3"], "a live claim is not taken")
            #expect(try await store.write { try $0.claim(batches: all, holder: "node-c", for: 30) }.isEmpty)
            #expect(
                try await store.write { try $0.claim(batches: ["c2"], holder: "node-a", for: 30) } == ["c2"], "the holder's own claim is extended")

            clock.advance(20)
            #expect(try await store.write { try $0.renewClaim(batch: "c1", holder: "node-a", for: 30) } == .renewed, "renewed while live")
            clock.advance(15)
            // c2 and c3 expired (35 s > 30 s); c1 was renewed to 50 s.
            let takeover = try await store.write { try $0.claim(batches: all, holder: "node-b", for: 30) }
            #expect(takeover == ["c2", "c3"], "expired claims are free; a holder may take its own expired claim again")
            #expect(try await store.write { try $0.renewClaim(batch: "c2", holder: "node-a", for: 30) } == .lost, "a claim taken over is lost")

            try await store.write { try $0.releaseClaim(batch: "c1", holder: "node-b") }
            #expect(try await store.write { try $0.claim(batches: ["c1"], holder: "node-c", for: 30) }.isEmpty, "only the holder releases")
            try await store.write { try $0.releaseClaim(batch: "c1", holder: "node-a") }
            #expect(
                try await store.write { try $0.renewClaim(batch: "c1", holder: "node-a", for: 30) } == .released,
                "a claim released (its attempt ended) is not lost")
            #expect(try await store.write { try $0.claim(batches: ["c1"], holder: "node-c", for: 30) } == ["c1"], "released: free at once")
            #expect(try await store.write { try $0.renewClaim(batch: "c3", holder: "node-b", for: 30) } == .renewed)
            clock.advance(31)
            #expect(
                try await store.write { try $0.renewClaim(batch: "c3", holder: "node-b", for: 30) } == .lost,
                "a claim that expired is lost, even when no one took it over")
        },
        ConformanceCheck("only pending batches are claimed, whenever they are due") { store, clock, _ in
            let now = clock.now()
            let ids: [BatchID] = ["later", "delivered", "dead", "due", "unknown"]
            try await store.write { tx in
                for id in ids.dropLast() { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) }
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "later", at: now, httpStatus: 503, error: "HTTP 503", receipt: nil), status: .pending,
                    nextAttemptAt: now.addingTimeInterval(60))
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "delivered", at: now, httpStatus: 200, error: nil, receipt: nil), status: .delivered, nextAttemptAt: nil)
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "dead", at: now, httpStatus: 500, error: "HTTP 500", receipt: nil), status: .deadLettered,
                    nextAttemptAt: nil)
            }
            #expect(try await store.write { try $0.claim(batches: ids, holder: "n", for: 120) } == ["later", "due"])
        },
        ConformanceCheck("a claim written without a flush of its own commits like any other: others see it at once; a failed one changes nothing") {
            store, _, _ in
            try await store.write { tx in
                for id: BatchID in ["u1", "u2"] { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) }
            }
            #expect(try await OwnThread.run { try store.writeUnflushed { try $0.claim(batches: ["u1"], holder: "node-a", for: 30) } } == ["u1"])
            #expect(try await store.write { try $0.claim(batches: ["u1", "u2"], holder: "node-b", for: 30) } == ["u2"], "the claim holds")
            struct Refused: Error {}
            await #expect(throws: Refused.self) {
                try await OwnThread.run {
                    try store.writeUnflushed { tx in
                        try tx.releaseClaim(batch: "u1", holder: "node-a")
                        throw Refused()
                    }
                }
            }
            #expect(try await store.write { try $0.claim(batches: ["u1"], holder: "node-c", for: 30) }.isEmpty, "rolled back: still held")
            try await OwnThread.run { try store.writeUnflushed { try $0.releaseClaim(batch: "u1", holder: "node-a") } }
            #expect(try await store.write { try $0.claim(batches: ["u1"], holder: "node-c", for: 30) } == ["u1"], "released")
        },
        ConformanceCheck("claimers at once never hold one batch, and together they take each pending batch once") { store, _, _ in
            let ids = (0..<40).map { BatchID(String(format: "p%02d", $0)) }
            try await store.write { tx in for id in ids { try tx.insertBatch(Samples.batch(id), payload: Data("<Kennisgevingen/>".utf8)) } }
            let claimed = try await withThrowingTaskGroup(of: [BatchID].self) { group in
                for node in 0..<8 {
                    group.addTask {
                        var mine: [BatchID] = []
                        // Each claimer asks for every batch, a few at a time, in an order of its own.
                        var order = ids
                        order.shuffle()
                        for start in stride(from: 0, to: order.count, by: 3) {
                            let chunk = Array(order[start..<min(start + 3, order.count)])
                            mine += try await store.write { try $0.claim(batches: chunk, holder: "node-\(node)", for: 300) }
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
