/// The id of a sealed batch, unique in the outbox (`coa-gemeenten-20261101-GM0363-1`); sent as the
/// `Idempotency-Key` and named in the seal and the audit chain.
public struct BatchID: TextIdentifier {
    public let value: String
    public init(_ value: String) { self.value = value }
}
