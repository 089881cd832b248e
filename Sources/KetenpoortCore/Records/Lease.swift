import Foundation

/// One holding of a named lease.
public struct Lease: Sendable, Equatable {
    /// The lease's name, e.g. the job it guards.
    public let name: String
    /// Who holds it, as the holder named itself (e.g. a node).
    public let holder: String
    /// Goes up by one with every new holding: the fence a stale holder's writes run into.
    public let epoch: Int
    /// When it ends by the engine's clock, unless renewed.
    public let expiresAt: Date

    /// Memberwise.
    public init(name: String, holder: String, epoch: Int, expiresAt: Date) {
        self.name = name
        self.holder = holder
        self.epoch = epoch
        self.expiresAt = expiresAt
    }
}
