import Foundation
import KetenpoortCore

/// The outbox: sealed batches, their payloads, delivery attempts and claims.
public protocol OutboxTransaction {
    /// Inserts `batch`, whose payload parts were appended before (`insertBatch(_:payload:)` does both).
    func insertBatch(_ batch: OutboxBatch) throws
    /// Stores part `part` (0, 1, …) of the payload of `batch`: at most `OutboxBatch.payloadPartSize` bytes.
    func appendPayloadPart(batch: BatchID, part: Int, bytes: some DataProtocol) throws
    /// Part `part` of the payload of `batch`; nil past the last part (none at all once deleted).
    func payloadPart(batch: BatchID, part: Int) throws -> Data?
    /// Part `part` of the payload of `batch` in `buffer`, replacing what it held (its memory kept
    /// for the next part); false past the last part. `OutboxTransaction`'s own default copies
    /// `payloadPart`; an engine that can read straight into the buffer does.
    func readPayloadPart(batch: BatchID, part: Int, into buffer: inout [UInt8]) throws -> Bool
    /// The finished batches (delivered, blocked, recalled) of `contract` sealed before `cutoff`
    /// whose payload is still kept, oldest first.
    func batchesKeepingPayload(contract: String, sealedBefore cutoff: Date) throws -> [BatchID]
    /// Deletes the payload of `batch`; its row, seal and audit entries stay.
    func deletePayload(batch: BatchID) throws
    /// The batch `id` with its seal and status (not its payload), if it exists.
    func batch(id: BatchID) throws -> OutboxBatch?
    /// The batches with `status` (every batch when nil), oldest first, without their payloads.
    func batches(status: BatchStatus?) throws -> [OutboxBatch]
    /// The batches with `status` (any when nil) for `recipient` (any when nil), newest first, at
    /// most `limit`, as summaries (an operator's lists).
    func batchSummaries(status: BatchStatus?, recipient: String?, limit: Int) throws -> [BatchSummary]
    /// Every delivery attempt of `batch`, oldest first, with its receipt.
    func attempts(batch: BatchID) throws -> [DeliveryAttempt]
    /// Per recipient that was ever attempted: when an attempt last delivered and the last failed attempt.
    func recipientActivity() throws -> [RecipientActivity]
    /// The ids and due times of the batches with `status`, without their payloads (cheap to list).
    func schedule(status: BatchStatus) throws -> [BatchDue]
    /// Per recipient, how many batches have `status` and when the oldest of them was sealed (metrics).
    func outboxDepth(status: BatchStatus) throws -> [OutboxDepth]
    /// Puts a dead-lettered (or pending) batch back in line, due at `at`, with its attempts counted afresh.
    func requeue(batch: BatchID, at: Date) throws
    /// Records a delivery attempt and the batch's new status (a batch no longer pending — recalled
    /// meanwhile — keeps its status, unless the attempt delivered it).
    func recordAttempt(_ attempt: DeliveryAttempt, status: BatchStatus, nextAttemptAt: Date?) throws
    /// Recalls `batch` if it was not delivered yet (pending or dead-lettered): its status becomes
    /// `recalled` and its payload is deleted. Whether it was recalled.
    func recallBatch(id: BatchID) throws -> Bool

    /// Claims those of `batches` that are pending and that no other holder's live claim holds, for
    /// `holder` for `duration` seconds from the engine's now (its own live claims are extended);
    /// returns them, in the order given. Two claimers never hold one batch; a claim whose holder
    /// died is free once it expired. When a batch is due is the caller's to decide.
    func claim(batches: [BatchID], holder: String, for duration: TimeInterval) throws -> [BatchID]
    /// Extends `holder`'s live claim on `batch` by `duration` seconds from now, and says whether it
    /// did, or whether the batch is no longer claimed at all (released: its attempt has ended), or
    /// claimed otherwise (lost: the claim expired, and perhaps another holder took it). Never waits
    /// for the holder's own transaction that is releasing the claim right now (released).
    func renewClaim(batch: BatchID, holder: String, for duration: TimeInterval) throws -> ClaimRenewal
    /// Releases `holder`'s claim on `batch`, if it still has it.
    func releaseClaim(batch: BatchID, holder: String) throws
}

/// What renewing a claim on a batch found.
public enum ClaimRenewal: Sendable, Equatable {
    /// The holder's live claim now lasts longer.
    case renewed
    /// The batch has no claim: the holder's attempt ended and released it (or it was never claimed).
    case released
    /// The claim expired, or another holder has the batch now.
    case lost
}

extension OutboxTransaction {
    public func readPayloadPart(batch: BatchID, part: Int, into buffer: inout [UInt8]) throws -> Bool {
        guard let bytes = try payloadPart(batch: batch, part: part) else { return false }
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: bytes)
        return true
    }
}
