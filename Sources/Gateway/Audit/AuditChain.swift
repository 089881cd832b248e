import Crypto
import Foundation
import KetenpoortCore
import Logging
import Sealing
import Store

/// Appends to the tamper-evident audit chain, always inside the transaction of the change it
/// records: each entry's hash covers its own facts and the previous entry's hash, and every
/// `checkpointEvery` entries the gateway signs the latest hash (a checkpoint).
///
/// ```swift
/// try store.write { tx in
///     try tx.insertBatch(batch)
///     try chain.append(.batchSealed(batch, payloadSHA256: digest, signatureSHA256: signature), in: tx)
/// }
/// ```
public struct AuditChain: Sendable {
    /// Who signs checkpoints; without one, checkpoints wait for the next append that has it.
    public let signer: SigningIdentity?
    public let clock: any WallClock
    public let checkpointEvery: Int
    let logger = Logger(label: "ketenpoort.audit")

    public static let defaultCheckpointEvery = 100

    public init(signer: SigningIdentity?, clock: any WallClock, checkpointEvery: Int = defaultCheckpointEvery) {
        self.signer = signer
        self.clock = clock
        self.checkpointEvery = max(1, checkpointEvery)
    }

    /// Who signs checkpoints for a gateway whose identity is `certificate` and `key`: nil when
    /// either file does not exist yet (no PKI: entries are appended, checkpoints wait). Files that
    /// exist but cannot be used are not passed over in silence: the failure is logged as an error
    /// with its code, and checkpoints wait until the identity can be read again.
    /// `load` reads the identity (by default the two files, nothing more checked).
    public static func checkpointSigner(
        certificate: URL, key: URL, logger: Logger = Logger(label: "ketenpoort.audit"),
        load: (() throws -> SigningIdentity)? = nil
    ) -> SigningIdentity? {
        guard FileManager.default.fileExists(atPath: certificate.path), FileManager.default.fileExists(atPath: key.path) else { return nil }
        do {
            return try load?() ?? SigningIdentity(certificateFile: certificate, keyFile: key)
        } catch {
            let code = (error as? KetenpoortError)?.code.rawValue ?? String(describing: type(of: error))
            logger.error("audit checkpoints wait: the gateway's signing identity cannot be used", metadata: ["error.code": "\(code)"])
            return nil
        }
    }

    /// Appends `event` as the next entry; signs a checkpoint when `checkpointEvery` entries have
    /// passed since the last one.
    @discardableResult
    public func append(_ event: AuditEvent, in tx: any StoreTransaction) throws -> AuditEntry {
        let time = Self.timestamp(clock.now())
        let payload = event.payload.canonical
        let entry = try tx.appendAuditEntry { head in
            let seq = (head?.seq ?? 0) + 1
            let prevHash = head?.hash ?? AuditEntry.genesis
            return AuditEntry(
                seq: seq, time: time, kind: event.kind, payload: payload, prevHash: prevHash,
                hash: Self.hash(seq: seq, time: time, kind: event.kind, payload: payload, prevHash: prevHash))
        }
        if signer != nil, entry.seq - (try tx.lastCheckpoint()?.seq ?? 0) >= checkpointEvery {
            try checkpoint(in: tx)
        }
        return entry
    }

    /// Signs the latest entry now (on demand); nil when the chain is empty or already anchored there.
    @discardableResult
    public func checkpoint(in tx: any StoreTransaction) throws -> AuditCheckpoint? {
        guard let signer else { throw KetenpoortError(.auditUnsigned, "no signing identity: a checkpoint cannot be signed") }
        guard let last = try tx.lastAuditEntry(), try tx.lastCheckpoint()?.seq != last.seq else { return nil }
        let jws = try CheckpointJWS.sign(payload: Self.checkpointPayload(seq: last.seq, hash: last.hash), signer: signer)
        let checkpoint = AuditCheckpoint(seq: last.seq, hash: last.hash, time: Self.timestamp(clock.now()), jws: jws.compact)
        try tx.insertCheckpoint(checkpoint)
        // The hash goes to the operational log too: an anchor outside the store file.
        logger.info("audit checkpoint signed", metadata: ["seq": "\(last.seq)", "hash": "\(last.hash)"])
        return checkpoint
    }

    /// The canonical bytes an entry's hash is taken over: `{"kind","payload","prev","seq","time"}`.
    public static func canonical(seq: Int, time: String, kind: String, payload: String, prevHash: String) -> String {
        "{\"kind\":\(AuditPayload.quoted(kind)),\"payload\":\(payload),\"prev\":\"\(prevHash)\",\"seq\":\(seq),\"time\":\(AuditPayload.quoted(time))}"
    }

    /// The canonical bytes of a stored entry.
    public static func canonical(_ entry: AuditEntry) -> String {
        canonical(seq: entry.seq, time: entry.time, kind: entry.kind, payload: entry.payload, prevHash: entry.prevHash)
    }

    static func hash(seq: Int, time: String, kind: String, payload: String, prevHash: String) -> String {
        Hex.encode(SHA256.hash(data: Data(canonical(seq: seq, time: time, kind: kind, payload: payload, prevHash: prevHash).utf8)))
    }

    /// The hash an entry should have, recomputed from its facts.
    public static func expectedHash(of entry: AuditEntry) -> String {
        hash(seq: entry.seq, time: entry.time, kind: entry.kind, payload: entry.payload, prevHash: entry.prevHash)
    }

    /// What a checkpoint signs: `{"hash":"…","seq":N}`.
    public static func checkpointPayload(seq: Int, hash: String) -> Data {
        Data("{\"hash\":\"\(hash)\",\"seq\":\(seq)}".utf8)
    }

    /// ISO 8601 UTC with milliseconds.
    public static func timestamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt).format(date)
    }
}

extension KetenpoortError.Code {
    public static let auditUnsigned: Self = "audit.unsigned"
    public static let auditBroken: Self = "audit.broken"
}
