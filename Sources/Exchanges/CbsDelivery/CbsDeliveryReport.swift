import KetenpoortCore

/// What one CBS delivery sealed into the outbox.
public struct CbsDeliveryReport: Codable, Sendable {
    public var source: String
    public var period: String
    /// 0 for the delivery of the period, 1, 2, … for corrections.
    public var correction: Int
    public var csvBatch: BatchID
    public var manifestBatch: BatchID
    /// The applied DUO extract the delivery reflects.
    public var extractSequence: Int
    public var extractDate: String
    /// Persons (CSV lines after the header).
    public var records: Int
    /// SHA-256 of the CSV bytes, as in the manifest.
    public var sha256: String
    /// The manifest, exactly as sealed.
    public var manifest: String
    /// Where the pair of files was written, if an output directory is configured.
    public var files: [String] = []
}
