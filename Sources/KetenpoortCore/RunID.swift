import Foundation

/// The id of one run of a job (`coa-gemeenten-20261101`, `duo-ingest-<extract digest>`): its
/// report, its quarantine entries and the sync's batches are filed under it.
public struct RunID: TextIdentifier {
    public let value: String
    public init(_ value: String) { self.value = value }

    /// The id of a run that takes one file: `<job>-<file name without extension>-<seconds since 1970>`.
    public init(job: String, file: URL, at moment: Date) {
        value = "\(job)-\(file.deletingPathExtension().lastPathComponent)-\(Int(moment.timeIntervalSince1970))"
    }
}
