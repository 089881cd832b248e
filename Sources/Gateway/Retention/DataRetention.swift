import Contracts
import Foundation
import KetenpoortCore
import Logging
import Store

/// Keeps personal data no longer than the contracts say: each contract's `retention` (an ISO 8601
/// duration) is applied to what the gateway holds of that exchange —
/// - the payloads of its finished outbox batches (delivered, blocked, recalled) sealed before the
///   cutoff; a batch still to be delivered, or dead-lettered and waiting for an operator, is kept;
/// - for Argonaut's advices, those still held (never released for want of consent);
/// - the files of that exchange in the gateway's folders (`Folder`): what the HTTPS inbox took in,
///   the drop folders' `processed/` and `rejected/`, the CBS delivery's local copy.
///
/// What stays is what proves what happened without showing it: the batch's row and seal (Merkle
/// root, payload SHA-256, JWS), the inbox receipts and their signatures (so a file sent again is
/// still recognised, and answered as it was) and
/// the audit chain, which records every deletion. Contracts without a retention keep everything.
public struct DataRetention: Sendable {
    /// A folder holding files of one exchange: each entry directly in it (a file, or an inbox
    /// key's folder) goes once its modification time is past the cutoff; receipts
    /// (`*.receipt.json`), their signatures (`*.receipt.jws`) and hidden files (being written) stay.
    public struct Folder: Sendable {
        public let contract: String
        public let url: URL

        public init(contract: String, url: URL) {
            self.contract = contract
            self.url = url
        }
    }

    let contracts: ContractRegistry
    let store: any Store
    let folders: [Folder]
    let audit: AuditChain
    let clock: any WallClock
    /// The contract whose held advices (waiting for consent) age out with it, when there is one.
    let heldAdviceContract: String?
    let logger = Logger(label: "ketenpoort.retention")

    public init(
        contracts: ContractRegistry, store: any Store, folders: [Folder], audit: AuditChain, clock: any WallClock, heldAdviceContract: String? = nil
    ) {
        self.heldAdviceContract = heldAdviceContract
        self.contracts = contracts
        self.store = store
        self.folders = folders
        self.audit = audit
        self.clock = clock
    }

    /// Deletes (with `dryRun`: only lists) what is past its retention now.
    public func apply(dryRun: Bool = false) throws -> RetentionReport {
        let now = clock.now()
        var report = RetentionReport(dryRun: dryRun)
        for contract in contracts.contracts.values.sorted(by: { $0.id < $1.id }) {
            guard let retention = contract.retention else { continue }
            let cutoff = retention.cutoff(before: now)
            var entry = RetentionReport.Contract(
                contract: contract.id, retention: retention.description, cutoff: ISO8601DateFormatter().string(from: cutoff))
            let record = { (what: String, id: String) in
                AuditEvent.retentionDeleted(what: what, contract: contract.id, id: id, retention: retention.description)
            }
            (entry.batchPayloads, entry.heldAdvices) = try store.write { tx in
                let payloads = try tx.batchesKeepingPayload(contract: contract.id, sealedBefore: cutoff)
                guard !dryRun else {
                    let held = contract.id == heldAdviceContract ? try tx.advices(status: .held).filter { $0.receivedAt < cutoff }.map(\.id) : []
                    return (payloads, held)
                }
                for batch in payloads {
                    try tx.deletePayload(batch: batch)
                    try audit.append(record("batch-payload", batch.value), in: tx)
                }
                let advices = contract.id == heldAdviceContract ? try tx.deleteHeldAdvices(receivedBefore: cutoff) : []
                for advice in advices { try audit.append(record("held-advice", advice), in: tx) }
                return (payloads, advices)
            }
            for folder in folders where folder.contract == contract.id {
                entry.files += try deleteFiles(in: folder.url, before: cutoff, dryRun: dryRun) { name in record("file", name) }
            }
            if !entry.batchPayloads.isEmpty || !entry.heldAdvices.isEmpty || !entry.files.isEmpty { report.contracts.append(entry) }
        }
        if !dryRun && report.deletedCount > 0 {
            logger.notice(
                "personal data past its retention deleted",
                metadata: Logger.Metadata(uniqueKeysWithValues: report.contracts.map { ($0.contract, "\($0.deletedCount)") }))
        }
        return report
    }

    /// The entries of `folder` last changed before `cutoff`, as paths below the gateway's folders:
    /// each removed, then recorded on the audit chain (file names and idempotency keys carry no
    /// BSN: the inbox refuses those that do). One that cannot be removed is logged and tried again
    /// next time.
    private func deleteFiles(in folder: URL, before cutoff: Date, dryRun: Bool, event: (String) -> AuditEvent) throws -> [String] {
        let manager = FileManager.default
        var deleted: [String] = []
        for name in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        where !name.hasPrefix(".") && !name.hasSuffix(".receipt.json") && !name.hasSuffix(".receipt.jws") {
            let path = folder.appendingPathComponent(name)
            guard let changed = try? manager.attributesOfItem(atPath: path.path)[.modificationDate] as? Date, changed < cutoff else { continue }
            let shown = folder.lastPathComponent + "/" + name
            if !dryRun {
                do {
                    try manager.removeItem(at: path)
                } catch {
                    logger.error("file past retention not removed", metadata: ["file": "\(shown)"])
                    continue
                }
                try store.write { tx in try audit.append(event(shown), in: tx) }
            }
            deleted.append(shown)
        }
        return deleted
    }
}

extension AuditEvent {
    /// Personal data deleted at the end of its retention: a batch's payload, a held advice, a file.
    public static func retentionDeleted(what: String, contract: String, id: String, retention: String) -> Self {
        Self(
            kind: "retention.deleted",
            payload: AuditPayload(["what": .text(what), "contract": .text(contract), "id": .text(id), "retention": .text(retention)]))
    }
}
