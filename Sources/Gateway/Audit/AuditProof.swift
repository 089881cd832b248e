import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

/// Proof of what was sent: for one batch, its seal (header, JWS, Merkle root), the audit-chain
/// entry that recorded it, the entries that link it to the next signed checkpoint, and that
/// checkpoint — files an auditor checks with `openssl` and `sha256sum` (see the README it writes).
/// Without `includePayload` nothing in it is personal data.
public struct AuditProof: Sendable {
    /// What the proof states.
    public struct Summary: Codable, Sendable, Equatable {
        public let batch: BatchID
        public let recipient: String
        public let recipientOIN: String
        public let records: Int
        public let merkleRoot: String
        public let payloadSHA256: String
        public let entrySeq: Int
        public let entryHash: String
        public let checkpointSeq: Int
        public let checkpointHash: String
        /// The chain files, from the batch's entry to the checkpoint's.
        public let chain: [String]
    }

    let chain: AuditChain

    public init(chain: AuditChain) {
        self.chain = chain
    }

    /// Writes the proof of `batchID` into `directory`; signs a checkpoint on demand when none
    /// covers the batch's entry yet.
    public func export(batch batchID: BatchID, store: any Store, to directory: URL, includePayload: Bool = false) throws -> Summary {
        let (batch, entries, checkpoint) = try store.write { tx -> (OutboxBatch, [AuditEntry], AuditCheckpoint) in
            guard let batch = try tx.batch(id: batchID) else {
                throw KetenpoortError(.auditProofUnavailable, "no batch '\(batchID)' in the outbox; `ketenpoort outbox list` shows what it holds")
            }
            guard let entry = try tx.auditEntries(kind: "batch.sealed", field: "batch", equals: batchID.value).first else {
                throw KetenpoortError(.auditProofUnavailable, "batch \(batchID) has no audit entry (sealed before the audit chain existed)")
            }
            var anchor = try tx.checkpoints().first { $0.seq >= entry.seq }
            if anchor == nil { anchor = try chain.checkpoint(in: tx) }
            guard let anchor else { throw KetenpoortError(.auditProofUnavailable, "no checkpoint could be signed") }
            var entries: [AuditEntry] = []
            try tx.forEachAuditEntry(from: entry.seq, through: anchor.seq) { entries.append($0) }
            return (batch, entries, anchor)
        }
        let seal = try DetachedJWS(compact: batch.signature)
        let checkpointJWS = try CheckpointJWS(compact: checkpoint.jws)
        let checkpointPayload = AuditChain.checkpointPayload(seq: checkpoint.seq, hash: checkpoint.hash)
        guard let batchSignature = ES256Signature.raw(compact: batch.signature) else {
            throw KetenpoortError(.auditProofUnavailable, "the batch's JWS has no signature")
        }
        let files = ProofFiles(directory: directory)
        try files.create()
        try files.write("batch.jws", Data(batch.signature.utf8))
        try files.write("batch-header.json", seal.protectedHeaderJSON)
        try files.write("batch.sig.der", try ES256Signature.der(raw: batchSignature))
        try files.write("signer.pem", Data(try PEMFiles.pem(Array(seal.certificates.prefix(1))).utf8))
        try files.write("signer-chain.pem", Data(try PEMFiles.pem(seal.certificates).utf8))
        try files.write("checkpoint.jws", Data(checkpoint.jws.utf8))
        try files.write("checkpoint.json", checkpointPayload)
        try files.write("checkpoint.signing-input", checkpointJWS.signingInput(payload: checkpointPayload))
        try files.write("checkpoint.sig.der", try ES256Signature.der(raw: checkpointJWS.signature))
        try files.write("checkpoint-signer.pem", Data(try PEMFiles.pem(Array(checkpointJWS.certificates.prefix(1))).utf8))
        var chainFiles: [String] = []
        for entry in entries {
            let name = "chain/" + String(format: "%010d", entry.seq) + ".json"
            try files.write(name, Data(AuditChain.canonical(entry).utf8))
            chainFiles.append(name)
        }
        if includePayload {
            guard try store.read({ try $0.payloadPart(batch: batch.id, part: 0) }) != nil else {
                throw KetenpoortError(
                    .auditProofUnavailable,
                    "the payload of batch \(batch.id) was deleted at the end of its retention; the proof without it still holds")
            }
            // Part by part: a CBS delivery's batch is the whole population.
            try PayloadFile.write(batch: batch.id, from: store, to: files.directory.appendingPathComponent("batch.payload"))
            var encoder = Base64URLStream()
            try PayloadFile.write(
                batch: batch.id, from: store, to: files.directory.appendingPathComponent("batch.signing-input"),
                head: seal.signingInput(payload: Data()), tail: { Data(encoder.finish()) }, transform: { Data(encoder.encode($0)) })
        }
        let summary = Summary(
            batch: batch.id, recipient: batch.recipient, recipientOIN: batch.recipientOIN, records: batch.recordCount, merkleRoot: batch.merkleRoot,
            payloadSHA256: seal.header.payloadSHA256, entrySeq: entries[0].seq, entryHash: entries[0].hash, checkpointSeq: checkpoint.seq,
            checkpointHash: checkpoint.hash, chain: chainFiles)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try files.write("proof.json", try encoder.encode(summary))
        try files.write("README.md", Data(AuditProofReadme.text(summary, includesPayload: includePayload).utf8))
        return summary
    }
}

/// Writes the files of a proof below one directory.
struct ProofFiles {
    let directory: URL

    func create() throws {
        do {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent("chain"), withIntermediateDirectories: true)
        } catch {
            throw KetenpoortError(.outputUnwritable, "\(directory.path) cannot be created")
        }
    }

    func write(_ name: String, _ bytes: Data) throws {
        do {
            try bytes.write(to: directory.appendingPathComponent(name), options: .atomic)
        } catch {
            throw KetenpoortError(.outputUnwritable, "\(directory.appendingPathComponent(name).path) cannot be written")
        }
    }
}

extension KetenpoortError.Code {
    public static let auditProofUnavailable: Self = "audit.proof-unavailable"
}
