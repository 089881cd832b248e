import Foundation
import KetenpoortCore
import Store

/// A batch of the outbox with its whole payload, for tests that read what was sealed (the store
/// keeps payloads apart, in parts).
@dynamicMemberLookup
public struct StoredBatch: Sendable {
    public let batch: OutboxBatch
    public let payload: Data

    public init(batch: OutboxBatch, payload: Data) {
        self.batch = batch
        self.payload = payload
    }

    public subscript<Value>(dynamicMember keyPath: KeyPath<OutboxBatch, Value>) -> Value { batch[keyPath: keyPath] }
}

extension StoreTransaction {
    /// The batches with `status` (all when nil), each with its payload (empty once it is no longer kept).
    public func storedBatches(status: BatchStatus?) throws -> [StoredBatch] {
        try batches(status: status).map(stored)
    }

    /// Batch `id` with its payload.
    public func storedBatch(id: BatchID) throws -> StoredBatch? {
        try batch(id: id).map(stored)
    }

    private func stored(_ batch: OutboxBatch) throws -> StoredBatch {
        let kept = try payloadPart(batch: batch.id, part: 0) != nil
        return StoredBatch(batch: batch, payload: kept ? try payload(of: batch.id) : Data())
    }
}
