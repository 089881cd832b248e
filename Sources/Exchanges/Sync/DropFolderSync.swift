import Foundation
import Gateway
import KetenpoortCore
import Logging
import Store

/// The scheduled form of the nightly sync: takes every `tvs-export-YYYYMMDD.csv` in the drop
/// folder newer than the last accepted snapshot, oldest first, and moves each to `processed/`
/// (or `rejected/`) afterwards, so a restart never takes the same file twice. A snapshot found
/// again after it was applied (the gateway died before moving it) goes to `processed/` with a note.
public struct DropFolderSync: Sendable {
    let sync: CoaGemeenteSync
    let folder: URL
    let logger = Logger(label: "ketenpoort.sync.drop")

    public init(sync: CoaGemeenteSync, folder: URL) {
        self.sync = sync
        self.folder = folder
    }

    /// Runs the sync for each waiting snapshot; returns the reports.
    public func runWaiting() throws -> [SyncReport] {
        let drop = DropFolder(folder: folder)
        var reports: [SyncReport] = []
        for file in try drop.waiting(sync.snapshotDate) {
            let outcome: String
            do {
                let report = try sync.run(input: file)
                reports.append(report)
                outcome = report.validation.isRejected ? "rejected" : "processed"
            } catch let error as KetenpoortError where error.code == .syncAlreadyApplied {
                // Applied before the gateway could move it (a crash in between): it was delivered, not refused.
                logger.notice("snapshot applied already", metadata: ["file": "\(file.lastPathComponent)"])
                try drop.note(file, "\(error.reason); found again in the drop folder and filed as processed\n")
                outcome = "processed"
            } catch let error as KetenpoortError where error.code == .syncRefused {
                logger.warning("snapshot refused", metadata: ["file": "\(file.lastPathComponent)", "reason": "\(error.reason)"])
                outcome = "rejected"
            }
            try drop.move(file, to: outcome)
        }
        return reports
    }
}
