/// A value a codec found in the input with another type than the contract declares for its field
/// (a JSON number where a string is specified, say). It is not converted: the validator reports it
/// as `field.type` on that field.
public struct TypeMismatch: Sendable, Hashable {
    /// The field slot of the contract object.
    public let slot: Int
    /// What was expected and what was found; never the value.
    public let message: String

    /// Memberwise; `message` must not hold the value.
    public init(slot: Int, message: String) {
        self.slot = slot
        self.message = message
    }
}
