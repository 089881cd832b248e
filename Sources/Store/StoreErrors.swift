import KetenpoortCore

/// The stable error codes of the store, whatever the engine.
extension KetenpoortError.Code {
    /// The store cannot be opened, read or written (the engine's own message stays in the log).
    public static let storeUnavailable: Self = "store.unavailable"
    /// A batch's payload is no longer kept: recalled, or deleted at the end of its retention.
    public static let storePayloadGone: Self = "store.payload-gone"
}

extension KetenpoortError.Code {
    /// A job's lease is no longer its own (expired, or taken by another node): its writes are refused.
    public static let storeLeaseLost: Self = "store.lease-lost"
    /// An audit entry that does not extend the chain's head (a second writer's fork) is refused.
    public static let storeAuditFork: Self = "store.audit-fork"
    /// A change the store keeps append-only (audit chain, incident register, consent versions,
    /// decision log) was refused.
    public static let storeAppendOnly: Self = "store.append-only"
}
