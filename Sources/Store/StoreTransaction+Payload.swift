import Foundation
import KetenpoortCore

/// A batch's payload as a whole, or part by part, over the parts the outbox keeps.
extension StoreTransaction {
    /// Inserts `batch` with its whole `payload` (a batch small enough to be built in memory).
    public func insertBatch(_ batch: OutboxBatch, payload: some DataProtocol) throws {
        precondition(batch.payloadBytes == payload.count, "payloadBytes must be the payload's length")
        var start = payload.startIndex
        var part = 0
        repeat {
            let end = payload.index(start, offsetBy: OutboxBatch.payloadPartSize, limitedBy: payload.endIndex) ?? payload.endIndex
            try appendPayloadPart(batch: batch.id, part: part, bytes: payload[start..<end])
            start = end
            part += 1
        } while start != payload.endIndex
        try insertBatch(batch)
    }

    /// Calls `body` with each part of the payload of `batch`, in order: one part in memory at a
    /// time. Throws `store.payload-gone` when it is no longer kept (a payload always has a part 0).
    public func forEachPayloadPart(of batch: BatchID, _ body: (Data) throws -> Void) throws {
        guard let first = try payloadPart(batch: batch, part: 0) else {
            throw KetenpoortError(
                .storePayloadGone, "the payload of batch \(batch) is no longer kept (recalled, or deleted at the end of its retention)")
        }
        try body(first)
        var part = 1
        while let bytes = try payloadPart(batch: batch, part: part) {
            try body(bytes)
            part += 1
        }
    }

    /// The whole payload of `batch`: for batches known to be small. Throws `store.payload-gone`
    /// when it is no longer kept (recalled, or deleted at the end of its retention).
    public func payload(of batch: BatchID) throws -> Data {
        var payload = Data()
        try forEachPayloadPart(of: batch) { payload.append($0) }
        return payload
    }
}
