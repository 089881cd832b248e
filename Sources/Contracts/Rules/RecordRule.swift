/// An item-level rule over several fields of one record, declared in the contract's `quality`.
public final class RecordRule: Sendable {
    public enum Kind: Sendable {
        /// `field` ≥ `reference` when both are present (dates).
        case notBefore(field: String, reference: String)
        /// At least one of `fields` is present.
        case requireOneOf(fields: [String])
        /// `field` is present whenever `when` is.
        case requiredWith(field: String, when: String)
    }

    public let name: String
    public let kind: Kind
    public let code: RuleCode
    public let description: String

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
    public enum Kind: Sendable {
        /// The trailer/header `field` equals the number of items.
        case recordCount(object: String, field: String)
        /// The trailer/header `field` equals the sum of the items' `sumOf` as numbers, modulo `modulo`.
        case controlTotal(object: String, field: String, sumOf: String, modulo: Int)
        /// The header `field` is the last applied sequence number + 1.
        case sequence(object: String, field: String)
    }

    public let name: String
    public let kind: Kind
    public let code: RuleCode

    public init(name: String, kind: Kind, code: RuleCode) {
        self.name = name
        self.kind = kind
        self.code = code
    }
}
