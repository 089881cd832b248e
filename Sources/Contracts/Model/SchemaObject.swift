/// What an object of a contract stands for in the exchanged file or message.
public enum ObjectRole: String, Sendable, CaseIterable {
    /// The items the exchange is about (rows, detail records, lines).
    case item
    /// A header record before the items (fixed width).
    case header
    /// A trailer record after the items (fixed width: counts and control totals).
    case trailer
    /// An answer (the IND API).
    case response
    /// A delivery manifest (CBS).
    case manifest
}

/// One object of a contract's `schema`: its fields in order and the rules over them.
/// A class (immutable): every record refers to its object.
public final class SchemaObject: Sendable {
    /// The object's `name`, which mappings and file rules refer to.
    public let name: String
    /// The object's `physicalName`, if the contract gives one.
    public let physicalName: String?
    /// What the object stands for (customProperty `role`; `item` when not given).
    public let role: ObjectRole
    /// The properties in contract order: a field's index is its slot in records.
    public let fields: [FieldSpec]
    /// Item-level rules over several fields.
    public let recordRules: [RecordRule]
    /// File-level rules (counts, control totals, sequence numbers).
    public let fileRules: [FileRule]
    private let slotByName: [String: Int]

    /// Memberwise; field names should be distinct (the loader checks it): of two equal names `slot(of:)` finds
    /// the last.
    public init(
        name: String, physicalName: String? = nil, role: ObjectRole, fields: [FieldSpec], recordRules: [RecordRule] = [], fileRules: [FileRule] = []
    ) {
        self.name = name
        self.physicalName = physicalName
        self.role = role
        self.fields = fields
        self.recordRules = recordRules
        self.fileRules = fileRules
        var slots: [String: Int] = [:]
        for (index, field) in fields.enumerated() { slots[field.name] = index }
        self.slotByName = slots
    }

    /// The position of a field in records of this object.
    public func slot(of name: String) -> Int? { slotByName[name] }

    /// The field named `name`.
    public func field(_ name: String) -> FieldSpec? { slotByName[name].map { fields[$0] } }
}
