/// A stable code naming the rule a finding is about; reports, quarantine records and tests use it.
public struct RuleCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { rawValue = value }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    public var description: String { rawValue }

    // Item level.
    public static let required: RuleCode = "field.required"
    public static let type: RuleCode = "field.type"
    public static let enumeration: RuleCode = "field.enum"
    public static let pattern: RuleCode = "field.pattern"
    public static let length: RuleCode = "field.length"
    public static let range: RuleCode = "field.range"
    public static let bsn: RuleCode = "field.bsn"
    public static let format: RuleCode = "field.format"
    public static let date: RuleCode = "field.date"
    public static let future: RuleCode = "field.future"
    public static let characters: RuleCode = "field.characters"
    public static let unique: RuleCode = "record.unique"
    public static let malformed: RuleCode = "record.malformed"

    // File level.
    public static let missingColumn: RuleCode = "file.missing-column"
    public static let structure: RuleCode = "file.structure"
    public static let recordCount: RuleCode = "file.record-count"
    public static let controlTotal: RuleCode = "file.control-total"
    public static let sequence: RuleCode = "file.sequence"
}
