import KetenpoortCore

/// The logical type of a contract field (ODCS `logicalType`).
public enum LogicalType: String, Sendable, CaseIterable {
    /// `string`, `integer`, `date`, `timestamp` (with a zone), `boolean`.
    case string, integer, date, timestamp, boolean
}

/// How sensitive a field is (customProperty `classification`).
public enum Classification: String, Sendable, CaseIterable, Comparable {
    /// Identifies a person (BSN, V-number, pseudonym).
    case identifier
    /// Any other personal data.
    case personal
    /// GDPR art. 9 special-category data (health).
    case specialCategory = "special-category"

    private var rank: Int {
        switch self {
        case .identifier: 0
        case .personal: 1
        case .specialCategory: 2
        }
    }
    /// Orders by sensitivity: `identifier`, then `personal`, then `specialCategory`.
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// A semantic check beyond type and pattern (customProperty `format`).
public enum SemanticFormat: String, Sendable, CaseIterable {
    /// BSN (9 digits, 11-test), V-number (10 digits), OIN (20 digits), municipality code (`GM` + 4 digits),
    /// ISO 3166-1 alpha-3 country code.
    case bsn, vnummer, oin, gemeentecode, country
    /// A birth date whose day and/or month may be `00`.
    case incompleteDate = "incomplete-date"
}

/// One field of a contract object: its type, its rules, and who may receive it.
///
/// A class (immutable) so the validation and encoding loops pass it around without copying its
/// many strings.
public final class FieldSpec: Sendable {
    /// Canonical name, shared between contracts (`geboortedatum`).
    public let name: String
    /// The partner's name for it (CSV column, XML path, JSON key, fixed-width positions).
    public let physicalName: String
    /// The ODCS `logicalType`: how the value is typed and checked.
    public let logicalType: LogicalType
    /// ODCS `required`: an empty or missing value is a `field.required` finding.
    public let isRequired: Bool
    /// ODCS `unique`: a value occurring more than once in a file is a `record.unique` finding on each
    /// item that carries it.
    public let isUnique: Bool
    /// How sensitive the field is; `specialCategory` requires a `consentPurpose`.
    public let classification: Classification
    /// The semantic check of customProperty `format`, if any.
    public let format: SemanticFormat?
    /// customProperty `notInFuture`: a date or timestamp after the moment of validation is a
    /// `field.future` finding.
    public let isNotInFuture: Bool
    /// `logicalTypeOptions.minLength` of a string, in characters.
    public let minLength: Int?
    /// `logicalTypeOptions.maxLength` of a string, in characters.
    public let maxLength: Int?
    /// `logicalTypeOptions.pattern`, which the whole of a string must match.
    public let pattern: TextPattern?
    /// `logicalTypeOptions.minimum` of an integer, inclusive.
    public let minimum: Int?
    /// `logicalTypeOptions.maximum` of an integer, inclusive.
    public let maximum: Int?
    /// Allowed values (ODCS v3.1.0 quality rule `metric: invalidValues`, `arguments.validValues`), in contract order.
    public let validValues: [String]?
    /// Roles that may receive this field.
    public let recipients: Set<Role>
    /// The consent purpose the field needs before it may flow, if any.
    public let consentPurpose: String?
    /// The field's own legal basis (customProperty `legalBasis`); required in contracts that CBS consumes.
    public let legalBasis: String?
    /// customProperty `retention` of the field, as written; informative only: the gateway enforces
    /// `DataContract.retention`.
    public let retention: String?
    /// The property's `description`; empty when it has none.
    public let description: String

    /// Memberwise; the defaults describe a field the contract says little about: optional, not unique,
    /// `personal`, unchecked, with no recipients.
    public init(
        name: String, physicalName: String, logicalType: LogicalType, isRequired: Bool = false, isUnique: Bool = false,
        classification: Classification = .personal, format: SemanticFormat? = nil, isNotInFuture: Bool = false,
        minLength: Int? = nil, maxLength: Int? = nil, pattern: TextPattern? = nil, minimum: Int? = nil, maximum: Int? = nil,
        validValues: [String]? = nil, recipients: Set<Role> = [], consentPurpose: String? = nil, legalBasis: String? = nil,
        retention: String? = nil, description: String = ""
    ) {
        self.name = name
        self.physicalName = physicalName
        self.logicalType = logicalType
        self.isRequired = isRequired
        self.isUnique = isUnique
        self.classification = classification
        self.format = format
        self.isNotInFuture = isNotInFuture
        self.minLength = minLength
        self.maxLength = maxLength
        self.pattern = pattern
        self.minimum = minimum
        self.maximum = maximum
        self.validValues = validValues
        self.recipients = recipients
        self.consentPurpose = consentPurpose
        self.legalBasis = legalBasis
        self.retention = retention
        self.description = description
    }

    /// Whether `role` may receive this field at all (consent comes on top).
    public func mayReach(_ role: Role) -> Bool { recipients.contains(role) }
}
