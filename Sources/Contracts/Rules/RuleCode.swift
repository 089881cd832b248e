/// A stable code naming the rule a finding is about; reports, quarantine records and tests use it.
public struct RuleCode: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The code as written, e.g. `field.required`.
    public let rawValue: String
    /// A code of any text: contracts may give record rules codes of their own.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// A code written as a string literal.
    public init(stringLiteral value: String) { rawValue = value }
    /// Decodes a code from a plain string.
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    /// Encodes the code as a plain string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
    /// The code as written.
    public var description: String { rawValue }

    // Item level.
    /// A required field is empty or missing.
    public static let required: RuleCode = "field.required"
    /// A value is not of its field's logical type, or a JSON value has another JSON type than the
    /// field calls for.
    public static let type: RuleCode = "field.type"
    /// A value is not one of its field's `validValues`.
    public static let enumeration: RuleCode = "field.enum"
    /// A text does not match its field's `pattern`.
    public static let pattern: RuleCode = "field.pattern"
    /// A text is shorter than `minLength` or longer than `maxLength` characters.
    public static let length: RuleCode = "field.length"
    /// A whole number lies below `minimum` or above `maximum`.
    public static let range: RuleCode = "field.range"
    /// A field of format `bsn` is not 9 digits passing the 11-test.
    public static let bsn: RuleCode = "field.bsn"
    /// A value fails its semantic `format` (V-number, OIN, municipality code, country code).
    public static let format: RuleCode = "field.format"
    /// A date is not in its field's layout, or not a real calendar date.
    public static let date: RuleCode = "field.date"
    /// A `notInFuture` date or timestamp lies after the moment of validation.
    public static let future: RuleCode = "field.future"
    /// A text holds control characters other than tab, LF and CR.
    public static let characters: RuleCode = "field.characters"
    /// A `unique` field's value occurs more than once in the file.
    public static let unique: RuleCode = "record.unique"
    /// The codec could not read the item at all (a broken CSV row, a line that is not a JSON object).
    public static let malformed: RuleCode = "record.malformed"

    // File level.
    /// A required column is missing from the CSV header.
    public static let missingColumn: RuleCode = "file.missing-column"
    /// The file's structure is broken (no header line, an unclosed quote, a misplaced header or trailer record,
    /// a cut-off last line).
    public static let structure: RuleCode = "file.structure"
    /// The default code of a `recordCount` rule: the count in the header or trailer differs from the items.
    public static let recordCount: RuleCode = "file.record-count"
    /// The default code of a `controlTotal` rule: the total differs from the items' sum.
    public static let controlTotal: RuleCode = "file.control-total"
    /// The default code of a `sequence` rule: the header's number is not the last applied one + 1.
    public static let sequence: RuleCode = "file.sequence"
}
