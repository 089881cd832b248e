import KetenpoortCore

/// A data contract of one exchange (ODCS v3), as the engine uses it.
public struct DataContract: Sendable {
    /// The contract's `id`, e.g. `coa-tvs-export`; a contract file must be named after it.
    public let id: String
    /// The display name (`name`; the id when the contract gives none).
    public let name: String
    /// The contract's `version`, as written.
    public let version: String
    /// Why the data is exchanged (customProperty `purpose`, else `description.purpose`); never empty.
    public let purpose: String
    /// The legal basis of the whole exchange (customProperty `legalBasis`); never empty.
    public let legalBasis: String
    /// The role that delivers the items (customProperty `producer`); nil when the contract names none.
    public let producer: Role?
    /// The roles that receive the exchange's data (customProperty `consumers`), in contract order.
    public let consumers: [Role]
    /// How long the gateway keeps the personal data of this exchange (nil: no limit stated).
    public let retention: RetentionPeriod?
    /// The `schema` objects, in contract order; one of them has role `item`.
    public let objects: [SchemaObject]
    /// The file it was loaded from.
    public let source: String

    /// Memberwise. `objects` must hold one with role `item`: `item` traps otherwise.
    public init(
        id: String, name: String, version: String, purpose: String, legalBasis: String, producer: Role?, consumers: [Role],
        retention: RetentionPeriod?, objects: [SchemaObject], source: String
    ) {
        self.id = id
        self.name = name
        self.version = version
        self.purpose = purpose
        self.legalBasis = legalBasis
        self.producer = producer
        self.consumers = consumers
        self.retention = retention
        self.objects = objects
        self.source = source
    }

    /// The object whose records are the items of the exchange.
    public var item: SchemaObject { objects.first { $0.role == .item }! }

    /// The object playing `role`, if any.
    public func object(_ role: ObjectRole) -> SchemaObject? { objects.first { $0.role == role } }

    /// The object named `name`, if any.
    public func object(named name: String) -> SchemaObject? { objects.first { $0.name == name } }
}
