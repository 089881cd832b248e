import KetenpoortCore

/// What one application of the retention periods deleted (or, in a dry run, would delete): counts
/// per contract, batch ids, advice ids and file names only — never the data.
public struct RetentionReport: Codable, Sendable, Equatable {
    /// Per contract: its period and what was past it.
    public struct Contract: Codable, Sendable, Equatable {
        public var contract: String
        public var retention: String
        /// Data older than this was due.
        public var cutoff: String
        /// Outbox batches whose payload was deleted.
        public var batchPayloads: [BatchID] = []
        /// Advices still held (never released) that were deleted.
        public var heldAdvices: [String] = []
        /// Files (and inbox keys' folders) deleted, as `<folder>/<name>`.
        public var files: [String] = []

        public var deletedCount: Int { batchPayloads.count + heldAdvices.count + files.count }
    }

    public var dryRun: Bool
    public var contracts: [Contract] = []

    public var deletedCount: Int { contracts.reduce(0) { $0 + $1.deletedCount } }
}
