import Foundation
import KetenpoortCore
import Logging
import Store

/// The scheduled form of the nightly sync: takes every `tvs-export-YYYYMMDD.csv` in the drop
/// folder newer than the last accepted snapshot, oldest first, and moves each to `processed/`
/// (or `rejected/`) afterwards, so a restart never takes the same file twice.
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
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        let files = try manager.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .compactMap { url in CoaGemeenteSync.snapshotDate(fileName: url.lastPathComponent).map { (url, $0) } }
            .sorted { $0.1 < $1.1 }
        var reports: [SyncReport] = []
        for (file, _) in files {
            let outcome: String
            do {
                let report = try sync.run(input: file)
                reports.append(report)
                outcome = report.validation.isRejected ? "rejected" : "processed"
            } catch let error as KetenpoortError where error.code == .syncRefused {
                logger.warning("snapshot refused", metadata: ["file": "\(file.lastPathComponent)", "reason": "\(error.reason)"])
                outcome = "rejected"
            }
            let target = folder.appendingPathComponent(outcome)
            try manager.createDirectory(at: target, withIntermediateDirectories: true)
            let destination = target.appendingPathComponent(file.lastPathComponent)
            try? manager.removeItem(at: destination)
            try manager.moveItem(at: file, to: destination)
        }
        return reports
    }
}
