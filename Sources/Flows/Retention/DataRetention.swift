import Contracts
import Foundation
import KetenpoortCore
import Logging
import Store

/// Keeps personal data no longer than the contracts say: each contract's `retention` (an ISO 8601
/// duration) is applied to what the gateway holds of that exchange —
/// - the payloads of its finished outbox batches (delivered, blocked, recalled) sealed before the
///   cutoff; a batch still to be delivered, or dead-lettered and waiting for an operator, is kept;
/// - the files of that contract the HTTPS inbox took in before the cutoff.
///
/// What stays is what proves what happened without showing it: the batch's row and seal (Merkle
/// root, payload SHA-256, JWS), the inbox receipt (so a file sent again is still recognised) and
/// the audit chain, which records every deletion. Contracts without a retention keep everything.
public struct DataRetention: Sendable {
    let contracts: ContractRegistry
    let store: any Store
    /// Where the HTTPS inbox keeps what it took in (`<contract>/<key>/<file>`), if anywhere.
    let inboxDirectory: URL?
    let audit: AuditChain
    let clock: any WallClock
    let logger = Logger(label: "ketenpoort.retention")

    public init(contracts: ContractRegistry, store: any Store, inboxDirectory: URL?, audit: AuditChain, clock: any WallClock) {
        self.contracts = contracts
        self.store = store
        self.inboxDirectory = inboxDirectory
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
            entry.batchPayloads = try store.write { tx in
                let due = try tx.batchesKeepingPayload(contract: contract.id, sealedBefore: cutoff)
                guard !dryRun else { return due }
                for batch in due {
                    try tx.deletePayload(batch: batch)
                    try audit.append(.retentionDeleted(what: "batch-payload", contract: contract.id, id: batch, retention: retention.description), in: tx)
                }
                return due
            }
            entry.inboxFiles = try deleteInboxFiles(of: contract.id, before: cutoff, retention: retention, dryRun: dryRun)
            if !entry.batchPayloads.isEmpty || !entry.inboxFiles.isEmpty { report.contracts.append(entry) }
        }
        if !dryRun && report.deletedCount > 0 {
            logger.notice(
                "personal data past its retention deleted",
                metadata: Logger.Metadata(uniqueKeysWithValues: report.contracts.map { ($0.contract, "\($0.batchPayloads.count + $0.inboxFiles.count)") }))
        }
        return report
    }

    /// The inbox folders (`<contract>/<key>/`) made before `cutoff`: removed, each recorded on the audit chain.
    private func deleteInboxFiles(of contract: String, before cutoff: Date, retention: RetentionPeriod, dryRun: Bool) throws -> [String] {
        guard let inboxDirectory else { return [] }
        let folder = inboxDirectory.appendingPathComponent(contract, isDirectory: true)
        let manager = FileManager.default
        var deleted: [String] = []
        for key in ((try? manager.contentsOfDirectory(atPath: folder.path)) ?? []).sorted() {
            let path = folder.appendingPathComponent(key, isDirectory: true)
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path.path, isDirectory: &isDirectory), isDirectory.boolValue,
                let made = try manager.attributesOfItem(atPath: path.path)[.modificationDate] as? Date, made < cutoff
            else { continue }
            if !dryRun {
                try store.write { tx in
                    try audit.append(.retentionDeleted(what: "inbox-file", contract: contract, id: key, retention: retention.description), in: tx)
                }
                try manager.removeItem(at: path)
            }
            deleted.append(key)
        }
        return deleted
    }
}

extension AuditEvent {
    /// Personal data deleted at the end of its retention: a batch's payload or an inbox file.
    public static func retentionDeleted(what: String, contract: String, id: String, retention: String) -> Self {
        Self(kind: "retention.deleted", payload: AuditPayload(["what": .text(what), "contract": .text(contract), "id": .text(id), "retention": .text(retention)]))
    }
}
