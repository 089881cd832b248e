import Foundation

/// A batch as an operator lists it: who it is for, how big, where it is in its life — without its
/// record hashes, seal or payload (cheap to list by the hundred).
public struct BatchSummary: Sendable, Equatable {
    public let id: BatchID
    public let recipient: String
    public let contract: String
    public let createdAt: Date
    public let recordCount: Int
    public let payloadBytes: Int
    public let status: BatchStatus
    public let attempts: Int
    public let nextAttemptAt: Date?
    /// The last attempt's error, without personal data.
    public let lastError: String?

    /// Memberwise.
    public init(
        id: BatchID, recipient: String, contract: String, createdAt: Date, recordCount: Int, payloadBytes: Int, status: BatchStatus, attempts: Int,
        nextAttemptAt: Date?, lastError: String?
    ) {
        self.id = id
        self.recipient = recipient
        self.contract = contract
        self.createdAt = createdAt
        self.recordCount = recordCount
        self.payloadBytes = payloadBytes
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
    }

    /// The summary of a full batch.
    public init(_ batch: OutboxBatch) {
        self.init(
            id: batch.id, recipient: batch.recipient, contract: batch.contract, createdAt: batch.createdAt, recordCount: batch.recordCount,
            payloadBytes: batch.payloadBytes, status: batch.status, attempts: batch.attempts, nextAttemptAt: batch.nextAttemptAt,
            lastError: batch.lastError)
    }
}
