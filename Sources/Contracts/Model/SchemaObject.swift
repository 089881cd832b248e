/// What an object of a contract stands for in the exchanged file or message.
public enum ObjectRole: String, Sendable, CaseIterable {
    /// The items the exchange is about (rows, detail records, lines).
    case item
    case header
    case trailer
    /// An answer (the IND API).
    case response
    /// A delivery manifest (CBS).
    case manifest
}

/// One object of a contract's `schema`: its fields in order and the rules over them.
/// A class (immutable): every record refers to its object.
public final class SchemaObject: Sendable {
    public let name: String
    public let physicalName: String?
    public let role: ObjectRole
    public let fields: [FieldSpec]
    /// Item-level rules over several fields.
    public let recordRules: [RecordRule]
    /// File-level rules (counts, control totals, sequence numbers).
    public let fileRules: [FileRule]
    private let slotByName: [String: Int]

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
