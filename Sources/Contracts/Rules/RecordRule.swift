/// An item-level rule over several fields of one record, declared in the contract's `quality`.
public final class RecordRule: Sendable {
    /// What a record rule checks; fields are canonical names of the rule's object.
    public enum Kind: Sendable {
        /// `field` ≥ `reference` when both are present (dates).
        case notBefore(field: String, reference: String)
        /// At least one of `fields` is present.
        case requireOneOf(fields: [String])
        /// `field` is present whenever `when` is.
        case requiredWith(field: String, when: String)
    }

    /// The rule's `name` in the contract (its kind when not given).
    public let name: String
    /// What the rule checks.
    public let kind: Kind
    /// The rule code its findings carry (`implementation.code`, which record rules must give).
    public let code: RuleCode
    /// The message of its findings (the rule's `description`, else its name).
    public let description: String

    /// Memberwise; the fields `kind` names must be fields of the object the rule belongs to.
    public init(name: String, kind: Kind, code: RuleCode, description: String) {
        self.name = name
        self.kind = kind
        self.code = code
        self.description = description
    }

    /// The field a finding of this rule is reported on.
    public var primaryField: String {
        switch kind {
        case .notBefore(let field, _), .requiredWith(let field, _): field
        case .requireOneOf(let fields): fields[0]
        }
    }
}

/// A file-level rule over header, trailer and items, declared in the contract's `quality`.
public struct FileRule: Sendable {
    /// What a file rule checks; `object` names the header or trailer object that holds `field`.
    public enum Kind: Sendable {
        /// The trailer/header `field` equals the number of items.
        case recordCount(object: String, field: String)
        /// The trailer/header `field` equals the sum of the items' `sumOf` as numbers, modulo `modulo`.
        case controlTotal(object: String, field: String, sumOf: String, modulo: Int)
        /// The header `field` is the last applied sequence number + 1.
        case sequence(object: String, field: String)
    }

    /// The rule's `name` in the contract (its kind when not given).
    public let name: String
    /// What the rule checks.
    public let kind: Kind
    /// The rule code its findings carry (by default `file.record-count`, `file.control-total` or
    /// `file.sequence`).
    public let code: RuleCode

    /// Memberwise.
    public init(name: String, kind: Kind, code: RuleCode) {
        self.name = name
        self.kind = kind
        self.code = code
    }
}
