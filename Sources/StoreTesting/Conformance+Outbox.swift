import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let outboxChecks: [ConformanceCheck] = [
        ConformanceCheck("outbox: a batch keeps its exact bytes; attempts move its status") { store, _, _ in
            let payload = Data("<Kennisgevingen/>".utf8)
            let batch = Samples.batch("b1", payload: payload)
            try await store.write { try $0.insertBatch(batch, payload: payload) }
            #expect(try await store.read { try $0.batch(id: "b1") } == batch)
            #expect(try await store.read { try $0.batches(status: .pending) }.map(\.id) == ["b1"])
            try await store.write { tx in
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "b1", at: Date(), httpStatus: 503, error: "HTTP 503", receipt: nil), status: .pending,
                    nextAttemptAt: Date(timeIntervalSince1970: 200))
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "b1", at: Date(), httpStatus: 200, error: nil, receipt: Data("{}".utf8)), status: .delivered,
                    nextAttemptAt: nil)
            }
            let delivered = try #require(try await store.read { try $0.batch(id: "b1") })
            #expect(delivered.status == .delivered)
            #expect(delivered.attempts == 2)
            #expect(try await store.read { try $0.payload(of: "b1") } == payload)
            #expect(try await store.read { try $0.batches(status: .pending) }.isEmpty)
        },
        ConformanceCheck("outbox depth: per recipient, the batches of a status and when the oldest was sealed") { store, _, _ in
            try await store.write { tx in
                for (id, recipient, created) in [("a1", "gm0363", 300.0), ("a2", "gm0363", 100.0), ("b1", "gm0014", 200.0), ("b2", "gm0014", 50.0)] {
                    let batch = Samples.batch(BatchID(id), createdAt: created, recipient: recipient)
                    try tx.insertBatch(batch, payload: Data("<Kennisgevingen/>".utf8))
                }
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "b2", at: Date(), httpStatus: 400, error: "HTTP 400", receipt: nil), status: .deadLettered,
                    nextAttemptAt: nil)
            }
            #expect(
                try await store.read { try $0.outboxDepth(status: .pending) } == [
                    OutboxDepth(recipient: "gm0014", batches: 1, oldestCreatedAt: Date(timeIntervalSince1970: 200)),
                    OutboxDepth(recipient: "gm0363", batches: 2, oldestCreatedAt: Date(timeIntervalSince1970: 100)),
                ])
            #expect(
                try await store.read { try $0.outboxDepth(status: .deadLettered) } == [
                    OutboxDepth(recipient: "gm0014", batches: 1, oldestCreatedAt: Date(timeIntervalSince1970: 50))
                ])
            #expect(try await store.read { try $0.outboxDepth(status: .delivered) }.isEmpty)
        },
        ConformanceCheck(
            "an operator's view: summaries newest first by status and recipient, a batch's attempts, each recipient's last delivery and error"
        ) {
            store, _, _ in
            try await store.write { tx in
                for (id, recipient, created) in [("s1", "gm0363", 100.0), ("s2", "gm0014", 200.0), ("s3", "gm0363", 300.0)] {
                    try tx.insertBatch(Samples.batch(BatchID(id), createdAt: created, recipient: recipient), payload: Data("<Kennisgevingen/>".utf8))
                }
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "s1", at: Date(timeIntervalSince1970: 1_000), httpStatus: 503, error: "HTTP 503", receipt: nil),
                    status: .pending, nextAttemptAt: nil)
                try tx.recordAttempt(
                    DeliveryAttempt(
                        batch: "s1", at: Date(timeIntervalSince1970: 1_010), httpStatus: 201, error: nil, receipt: Data("{\"ok\":1}".utf8)),
                    status: .delivered, nextAttemptAt: nil)
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "s3", at: Date(timeIntervalSince1970: 1_020), httpStatus: nil, error: "transport.timeout", receipt: nil),
                    status: .deadLettered, nextAttemptAt: nil)
            }
            let all = try await store.read { try $0.batchSummaries(status: nil, recipient: nil, limit: 10) }
            #expect(all.map(\.id) == ["s3", "s2", "s1"])
            #expect(all.first == BatchSummary(try #require(try await store.read { try $0.batch(id: "s3") })))
            #expect(try await store.read { try $0.batchSummaries(status: nil, recipient: nil, limit: 2) }.map(\.id) == ["s3", "s2"])
            #expect(try await store.read { try $0.batchSummaries(status: .deadLettered, recipient: nil, limit: 10) }.map(\.id) == ["s3"])
            #expect(try await store.read { try $0.batchSummaries(status: nil, recipient: "gm0363", limit: 10) }.map(\.id) == ["s3", "s1"])
            #expect(try await store.read { try $0.batchSummaries(status: .pending, recipient: "gm0363", limit: 10) }.isEmpty)
            let attempts = try await store.read { try $0.attempts(batch: "s1") }
            #expect(attempts.map(\.httpStatus) == [503, 201])
            #expect(attempts.last?.receipt == Data("{\"ok\":1}".utf8))
            #expect(attempts.first?.at == Date(timeIntervalSince1970: 1_000))
            #expect(try await store.read { try $0.attempts(batch: "s2") }.isEmpty)
            #expect(
                try await store.read { try $0.recipientActivity() } == [
                    RecipientActivity(
                        recipient: "gm0363", lastDeliveredAt: Date(timeIntervalSince1970: 1_010), lastFailedAt: Date(timeIntervalSince1970: 1_020),
                        lastError: "transport.timeout")
                ])
        },
        ConformanceCheck("a payload larger than a part is kept in parts and read back exactly") { store, _, _ in
            let payload = Data((0..<(OutboxBatch.payloadPartSize * 2 + 17)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
            try await store.write { try $0.insertBatch(Samples.batch("big", payload: payload), payload: payload) }
            #expect(try await store.read { try $0.payload(of: "big") } == payload)
            #expect(try await store.read { try $0.payloadPart(batch: "big", part: 3) } == nil)
            // Read part by part into one buffer, as a delivery streams it: the same bytes, and the
            // buffer's memory reused from part to part (a last part that is shorter included).
            let parts = try await store.read { tx -> (same: Bool, reused: Bool, past: Bool) in
                var buffer: [UInt8] = []
                var bytes: [UInt8] = []
                var addresses: Set<Int> = []
                var part = 0
                while try tx.readPayloadPart(batch: "big", part: part, into: &buffer) {
                    bytes += buffer
                    addresses.insert(buffer.withUnsafeBufferPointer { Int(bitPattern: $0.baseAddress) })
                    part += 1
                }
                return (bytes == [UInt8](payload), addresses.count == 1, try !tx.readPayloadPart(batch: "big", part: 3, into: &buffer))
            }
            #expect(parts.same, "the parts together are the payload")
            #expect(parts.reused, "one buffer for every part")
            #expect(parts.past, "nothing past the last part")
        },
        ConformanceCheck("a recalled batch stays recalled when an attempt under way ends, unless that attempt delivered it; its payload is gone") {
            store, _, _ in
            for (id, outcome) in [(BatchID("b-retry"), BatchStatus.pending), ("b-dead", .deadLettered), ("b-delivered", .delivered)] {
                try await store.write { try $0.insertBatch(Samples.batch(id, payload: Data("{}".utf8)), payload: Data("{}".utf8)) }
                #expect(try await store.write { try $0.recallBatch(id: id) })
                try await store.write { tx in
                    try tx.recordAttempt(
                        DeliveryAttempt(batch: id, at: Date(), httpStatus: outcome == .delivered ? 201 : 503, error: nil, receipt: nil),
                        status: outcome, nextAttemptAt: nil)
                }
                #expect(try await store.read { try $0.batch(id: id) }?.status == (outcome == .delivered ? .delivered : .recalled), "\(id)")
                await #expect(throws: KetenpoortError(.storePayloadGone, "")) { try await store.read { try $0.payload(of: id) } }
            }
            #expect(try await !store.write { try $0.recallBatch(id: "b-delivered") })
        },
        ConformanceCheck("a dead letter put back in line is due again with its attempts counted afresh") { store, _, _ in
            try await store.write { tx in
                try tx.insertBatch(Samples.batch("d1"), payload: Data("<Kennisgevingen/>".utf8))
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "d1", at: Date(), httpStatus: 500, error: "HTTP 500", receipt: nil), status: .deadLettered,
                    nextAttemptAt: nil)
            }
            #expect(try await store.read { try $0.schedule(status: .deadLettered) }.map(\.id) == ["d1"])
            try await store.write { try $0.requeue(batch: "d1", at: Date(timeIntervalSince1970: 300)) }
            let requeued = try #require(try await store.read { try $0.batch(id: "d1") })
            #expect(requeued.status == .pending)
            #expect(requeued.attempts == 0)
            #expect(requeued.nextAttemptAt == Date(timeIntervalSince1970: 300))
        },
    ]
}
