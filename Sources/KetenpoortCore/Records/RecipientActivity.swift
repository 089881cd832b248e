import Foundation

/// One recipient's delivery history in two facts: when an attempt last delivered to it, and the
/// last attempt that failed, with its error (no personal data).
public struct RecipientActivity: Sendable, Equatable {
    public let recipient: String
    public let lastDeliveredAt: Date?
    public let lastFailedAt: Date?
    public let lastError: String?

    /// Memberwise.
    public init(recipient: String, lastDeliveredAt: Date?, lastFailedAt: Date?, lastError: String?) {
        self.recipient = recipient
        self.lastDeliveredAt = lastDeliveredAt
        self.lastFailedAt = lastFailedAt
        self.lastError = lastError
    }
}
