import Foundation
import Gateway
import Logging

/// The scheduled form of the DUO ingest: takes every `duo-inburgering-YYYYMMDD.dat` in the drop
/// folder, oldest first, and moves each to `processed/` (applied or already applied) or `rejected/`
/// afterwards, so a restart never takes the same file twice.
public struct DropFolderDuoIngest: Sendable {
    let ingest: DuoIngest
    let folder: URL
    let logger = Logger(label: "ketenpoort.duo-ingest.drop")

    public init(ingest: DuoIngest, folder: URL) {
        self.ingest = ingest
        self.folder = folder
    }

    /// Applies each waiting extract; returns the reports.
    public func runWaiting() throws -> [DuoIngestReport] {
        let drop = DropFolder(folder: folder)
        var reports: [DuoIngestReport] = []
        for file in try drop.waiting(ingest.extractDate) {
            let report = try ingest.run(file: file)
            reports.append(report)
            if report.outcome == .rejected {
                logger.error("DUO extract rejected", metadata: ["file": "\(file.lastPathComponent)", "reason": "\(report.reason ?? "")"])
            }
            try drop.move(file, to: report.outcome == .rejected ? "rejected" : "processed")
        }
        return reports
    }
}
