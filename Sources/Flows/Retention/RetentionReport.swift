/// What one application of the retention periods deleted (or, in a dry run, would delete): counts
/// per contract, batch ids and inbox keys only — never the data.
public struct RetentionReport: Codable, Sendable, Equatable {
    /// Per contract: its period and what was past it.
    public struct Contract: Codable, Sendable, Equatable {
        public var contract: String
        public var retention: String
        /// Data older than this was due.
        public var cutoff: String
        /// Outbox batches whose payload was deleted.
        public var batchPayloads: [String] = []
        /// Files the HTTPS inbox took in (by idempotency key) that were deleted.
        public var inboxFiles: [String] = []
    }

    public var dryRun: Bool
    public var contracts: [Contract] = []

    public var deletedCount: Int { contracts.reduce(0) { $0 + $1.batchPayloads.count + $1.inboxFiles.count } }
}
