import Contracts

/// The outcome of validating one file: item counts that add up, and every finding.
public struct ValidationReport: Codable, Sendable {
    /// The id of the contract validated against.
    public var contract: String
    /// Every item the file holds (data rows, detail records, JSON lines; never header or trailer):
    /// a rejected file counts them too, read or not, all of them rejected.
    public var items = 0
    /// Items that passed every rule (0 when the file is rejected).
    public var accepted = 0
    /// Items with at least one item-level finding (0 when the file is rejected).
    public var quarantined = 0
    /// Items of a rejected file, that is all of them; 0 otherwise.
    public var rejected = 0
    /// Columns present in the file that the mapping does not know (ignored).
    public var unknownColumns: [String] = []
    /// Item and file findings, at most the pipeline's `findingLimit` of them.
    public var findings: [Finding] = []
    /// Findings beyond the kept maximum (counted, not listed).
    public var findingsNotListed = 0

    /// An empty report for the contract with id `contract`.
    public init(contract: String) { self.contract = contract }

    /// Whether a file-level finding rejected the whole file.
    public var isRejected: Bool { findings.contains { $0.level == .file } }
}
