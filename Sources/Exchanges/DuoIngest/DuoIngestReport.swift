import Adapters
import Gateway

/// What one DUO ingest did with an extract; every detail record is accounted for.
public struct DuoIngestReport: Codable, Sendable {
    /// The verdict on the file.
    public enum Outcome: String, Codable, Sendable {
        /// Valid, applied in one transaction.
        case applied
        /// The very file applied last (same sequence number, same bytes): nothing to do.
        case alreadyApplied = "already-applied"
        /// A file-level error: nothing of it was applied.
        case rejected
    }

    public var file: String
    /// SHA-256 of the file's bytes (hex).
    public var sha256: String
    public var outcome: Outcome
    /// The header's sequence number and creation date, when they could be read.
    public var sequence: Int?
    public var creationDate: String?
    /// The sequence number applied before this file (nil: this file sets the baseline).
    public var previousSequence: Int?
    public var validation: ValidationReport
    /// Clean records of persons new to the store.
    public var inserted = 0
    /// Clean records that changed a person's status.
    public var changed = 0
    /// Clean records equal to what the store held.
    public var unchanged = 0
    /// Quarantined records whose person keeps the previous status.
    public var kept = 0
    /// Quarantined records of a person the store did not hold: not added.
    public var notAdded = 0
    /// Quarantined records without a usable BSN: nobody to keep.
    public var unidentified = 0
    /// Persons in the store before and absent from this extract: removed.
    public var removed = 0
    /// Persons in the store afterwards.
    public var persons = 0
    /// Why the file was refused or skipped, in words (no personal data).
    public var reason: String?

    public init(file: String, sha256: String, outcome: Outcome, validation: ValidationReport) {
        self.file = file
        self.sha256 = sha256
        self.outcome = outcome
        self.validation = validation
    }

    /// Whether every detail record is accounted for exactly once.
    public var isBalanced: Bool {
        outcome != .applied || inserted + changed + unchanged + kept + notAdded + unidentified == validation.items
    }
}
