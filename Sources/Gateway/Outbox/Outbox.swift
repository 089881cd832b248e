import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

/// The one way a batch enters the outbox: sealed (a Merkle root over its records' hashes and a
/// detached JWS), inserted, and recorded on the audit chain. The insert and its `batch.sealed`
/// entry go in the same transaction, so no batch is ever in the outbox without its audit entry.
///
/// Sealing may happen before the write transaction (`seal`, then `put` inside it), so the
/// signature is never made while the store's write lock is held.
public struct Outbox: Sendable {
    public let sealer: BatchSealer
    public let audit: AuditChain

    public init(sealer: BatchSealer, audit: AuditChain) {
        self.sealer = sealer
        self.audit = audit
    }

    /// What a batch is before it is sealed.
    public struct Draft: Sendable {
        public let id: BatchID
        public let recipient: Party
        public let contract: String
        public let contractVersion: String
        public let contentType: String
        public let createdAt: Date

        public init(id: BatchID, recipient: Party, contract: String, contractVersion: String, contentType: String, createdAt: Date) {
            self.id = id
            self.recipient = recipient
            self.contract = contract
            self.contractVersion = contractVersion
            self.contentType = contentType
            self.createdAt = createdAt
        }
    }

    /// A sealed batch, not yet in the outbox.
    public struct Sealed: Sendable {
        public let batch: OutboxBatch
        /// The SHA-256 of the payload (hex), as the signed header has it.
        public let payloadSHA256: String
        /// The audit entry that goes with its insert.
        let event: AuditEvent
    }

    /// Seals `payload`, whose records hash to `recordHashes` (in order).
    public func seal(_ draft: Draft, payload: some DataProtocol, recordHashes: [Data]) throws -> Sealed {
        let sealed = try sealer.seal(
            payload: payload, recordHashes: recordHashes, batch: draft.id, recipient: draft.recipient.oin, contract: draft.contract,
            contractVersion: draft.contractVersion, issuedAt: draft.createdAt)
        return sealedBatch(
            draft, count: recordHashes.count, merkleRoot: sealed.tree.rootHex, recordHashes: recordHashes.map(Hex.encode),
            payloadBytes: payload.count, payloadSHA256: sealed.header.payloadSHA256, signature: sealed.jws.compact)
    }

    /// Seals a payload already written to the store as `draft.id`'s parts in `tx` (a streamed
    /// payload too large to hold): its digest and Merkle root are given, the signature reads the parts.
    public func sealWritten(
        _ draft: Draft, payloadSHA256: String, merkleRoot: String, count: Int, payloadBytes: Int, in tx: any StoreTransaction
    ) throws -> Sealed {
        let sealed = try sealer.seal(
            payloadSHA256: payloadSHA256, merkleRoot: merkleRoot, count: count, batch: draft.id, recipient: draft.recipient.oin,
            contract: draft.contract, contractVersion: draft.contractVersion, issuedAt: draft.createdAt,
            payload: { part in try tx.forEachPayloadPart(of: draft.id, part) })
        return sealedBatch(
            draft, count: count, merkleRoot: merkleRoot, recordHashes: [], payloadBytes: payloadBytes, payloadSHA256: payloadSHA256,
            signature: sealed.jws.compact)
    }

    /// Puts `sealed` in the outbox in `tx` with `payload`, and appends its `batch.sealed` entry.
    public func put(_ sealed: Sealed, payload: some DataProtocol, in tx: any StoreTransaction) throws {
        try tx.insertBatch(sealed.batch, payload: payload)
        try audit.append(sealed.event, in: tx)
    }

    /// Puts `sealed` (from `sealWritten`, its payload's parts already in `tx`) in the outbox, and
    /// appends its `batch.sealed` entry.
    public func putWritten(_ sealed: Sealed, in tx: any StoreTransaction) throws {
        try tx.insertBatch(sealed.batch)
        try audit.append(sealed.event, in: tx)
    }

    /// Seals `payload` and puts it in the outbox in `tx`: `seal` and `put` in one.
    @discardableResult
    public func add(_ draft: Draft, payload: some DataProtocol, recordHashes: [Data], in tx: any StoreTransaction) throws -> OutboxBatch {
        let sealed = try seal(draft, payload: payload, recordHashes: recordHashes)
        try put(sealed, payload: payload, in: tx)
        return sealed.batch
    }

    private func sealedBatch(
        _ draft: Draft, count: Int, merkleRoot: String, recordHashes: [String], payloadBytes: Int, payloadSHA256: String, signature: String
    ) -> Sealed {
        let batch = OutboxBatch(
            id: draft.id, recipient: draft.recipient.id, recipientOIN: draft.recipient.oin.value, contract: draft.contract,
            contentType: draft.contentType, createdAt: draft.createdAt, recordCount: count, merkleRoot: merkleRoot,
            recordHashes: recordHashes, payloadBytes: payloadBytes, signature: signature)
        let event = AuditEvent.batchSealed(
            batch, payloadSHA256: payloadSHA256, signatureSHA256: Hex.encode(SHA256.hash(data: Data(signature.utf8))))
        return Sealed(batch: batch, payloadSHA256: payloadSHA256, event: event)
    }
}
