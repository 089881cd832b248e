import KetenpoortCore

/// The stable error codes of the store, whatever the engine.
extension KetenpoortError.Code {
    /// The store cannot be opened, read or written (the engine's own message stays in the log).
    public static let storeUnavailable: Self = "store.unavailable"
    /// A batch's payload is no longer kept: recalled, or deleted at the end of its retention.
    public static let storePayloadGone: Self = "store.payload-gone"
}
