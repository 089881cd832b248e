import Foundation

/// One CBS statistics delivery of a period and source (formats.md §5): which batches carry it, and
/// which DUO extract it reflects.
public struct CbsDeliveryRecord: Sendable, Equatable {
    /// The source, lower case (`duo`).
    public let source: String
    /// `2026Q3`.
    public let period: String
    /// 0 for the delivery, 1, 2, … for corrections.
    public let correction: Int
    /// The batch carrying the CSV.
    public let csvBatch: BatchID
    /// The batch carrying the manifest.
    public let manifestBatch: BatchID
    /// The sequence number of the applied extract the delivery reflects.
    public let extractSequence: Int
    /// That extract's creation date.
    public let extractDate: CalendarDate
    /// The number of records (CSV lines) delivered.
    public let records: Int
    /// SHA-256 of the CSV bytes (hex), as in the manifest.
    public let sha256: String
    /// When the delivery was sealed.
    public let createdAt: Date

    /// Memberwise.
    public init(
        source: String, period: String, correction: Int, csvBatch: BatchID, manifestBatch: BatchID, extractSequence: Int, extractDate: CalendarDate,
        records: Int, sha256: String, createdAt: Date
    ) {
        self.source = source
        self.period = period
        self.correction = correction
        self.csvBatch = csvBatch
        self.manifestBatch = manifestBatch
        self.extractSequence = extractSequence
        self.extractDate = extractDate
        self.records = records
        self.sha256 = sha256
        self.createdAt = createdAt
    }
}
