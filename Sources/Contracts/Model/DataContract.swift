import KetenpoortCore

/// A data contract of one exchange (ODCS v3), as the engine uses it.
public struct DataContract: Sendable {
    public let id: String
    public let name: String
    public let version: String
    public let purpose: String
    public let legalBasis: String
    public let producer: Role?
    public let consumers: [Role]
    /// How long the gateway keeps the personal data of this exchange (nil: no limit stated).
    public let retention: RetentionPeriod?
    public let objects: [SchemaObject]
    /// The file it was loaded from.
    public let source: String

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
