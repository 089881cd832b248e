import Contracts

/// The outcome of validating one file: item counts that add up, and every finding.
public struct ValidationReport: Codable, Sendable {
    public var contract: String
    /// Every item the file holds (data rows, detail records, JSON lines; never header or trailer):
    /// a rejected file counts them too, read or not, all of them rejected.
    public var items = 0
    public var accepted = 0
    public var quarantined = 0
    public var rejected = 0
    /// Columns present in the file that the mapping does not know (ignored).
    public var unknownColumns: [String] = []
    public var findings: [Finding] = []
    /// Findings beyond the kept maximum (counted, not listed).
    public var findingsNotListed = 0

    public init(contract: String) { self.contract = contract }

    /// Whether a file-level finding rejected the whole file.
    public var isRejected: Bool { findings.contains { $0.level == .file } }
}
