import Foundation

/// The JSON receipt a `ReceiveServer` answers with: `{"batch": key, "ontvangen": ISO 8601, "sha256": hex}`.
public struct InboxReceipt: Codable, Sendable, Hashable {
    /// The batch id (the request's `Idempotency-Key`).
    public var batch: String
    /// When the batch was stored (*ontvangen*: received), ISO 8601 in UTC.
    public var ontvangen: String
    /// Lower-case hex SHA-256 of the stored body.
    public var sha256: String

    /// A receipt.
    public init(batch: String, ontvangen: String, sha256: String) {
        self.batch = batch
        self.ontvangen = ontvangen
        self.sha256 = sha256
    }

    /// The receipt's JSON, keys sorted, as sent and as stored beside the batch.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
