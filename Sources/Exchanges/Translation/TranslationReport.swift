import Adapters
import Contracts
import Gateway

/// What `translate` did with a snapshot: the counts add up to the items read.
public struct TranslationReport: Codable, Sendable {
    public var input: String
    public var validation: ValidationReport
    /// Notifications written, per municipality code.
    public var written: [String: Int] = [:]
    /// Accepted persons not linked to any municipality (counted, not written).
    public var unlinked = 0

    public var writtenTotal: Int { written.values.reduce(0, +) }

    /// Whether every item is accounted for: written + unlinked + quarantined + rejected = items.
    public var isBalanced: Bool {
        writtenTotal + unlinked + validation.quarantined + validation.rejected == validation.items
    }
}
