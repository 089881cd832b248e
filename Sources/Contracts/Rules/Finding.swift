/// Where in the input a finding is: a line (text formats) or a record number (fixed width).
public enum Position: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A line number (1-based) of a text format.
    case line(Int)
    /// A record number (1-based) of a fixed-width file.
    case record(Int)

    /// The line or record number.
    public var number: Int {
        switch self {
        case .line(let n), .record(let n): n
        }
    }

    /// `line 12` or `record 12`.
    public var description: String {
        switch self {
        case .line(let n): "line \(n)"
        case .record(let n): "record \(n)"
        }
    }

    enum CodingKeys: String, CodingKey { case line, record }
    /// Decodes `{"line": n}` or `{"record": n}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let n = try container.decodeIfPresent(Int.self, forKey: .line) {
            self = .line(n)
        } else {
            self = .record(try container.decode(Int.self, forKey: .record))
        }
    }
    /// Encodes as `{"line": n}` or `{"record": n}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .line(let n): try container.encode(n, forKey: .line)
        case .record(let n): try container.encode(n, forKey: .record)
        }
    }
}

/// Whether a finding quarantines one item or rejects the whole file.
public enum FindingLevel: String, Hashable, Sendable, Codable {
    /// `item` quarantines the item; `file` rejects the whole file.
    case item, file
}

/// One rule violation: where, which field, which rule, and a message without personal data.
public struct Finding: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Where in the input the violation is.
    public let position: Position
    /// Canonical field name, when the rule is about one field.
    public let field: String?
    /// The rule violated.
    public let rule: RuleCode
    /// Explains the rule that failed; never contains the offending value.
    public let message: String
    /// Whether the finding quarantines the item or rejects the file.
    public let level: FindingLevel

    /// Memberwise; `message` must not hold the offending value.
    public init(position: Position, field: String?, rule: RuleCode, message: String, level: FindingLevel = .item) {
        self.position = position
        self.field = field
        self.rule = rule
        self.message = message
        self.level = level
    }

    /// `position: rule [field]: message`, e.g. `line 12: field.required [geboortedatum]: …`.
    public var description: String { "\(position): \(rule)\(field.map { " [\($0)]" } ?? ""): \(message)" }
}
