import Foundation

/// The receipt the HTTPS inbox gave for a file, as every node of the gateway finds it: the mark
/// that the file under this idempotency key was taken in, whichever node took it.
public struct InboxReceiptRecord: Sendable, Equatable {
    /// The contract the file was delivered under.
    public let contract: String
    /// The partner's `Idempotency-Key`.
    public let key: String
    /// The file's SHA-256 (hex): the same key with other bytes is refused.
    public let sha256: String
    /// The receipt's JSON, exactly as signed and sent.
    public let body: Data
    /// The gateway's detached JWS over `body`.
    public let signature: String
    /// The node that took the file in.
    public let node: String
    /// When the file was received (the receipt's `receivedAt`).
    public let recordedAt: Date

    /// Memberwise.
    public init(contract: String, key: String, sha256: String, body: Data, signature: String, node: String, recordedAt: Date) {
        self.contract = contract
        self.key = key
        self.sha256 = sha256
        self.body = body
        self.signature = signature
        self.node = node
        self.recordedAt = recordedAt
    }
}
