import Adapters
import Foundation
import Gateway

/// The answer to a file delivered to the gateway's HTTPS inbox: what was done with it and the
/// validation counts (never any of the file's data).
public struct GatewayInboxReceipt: Codable, Sendable, Equatable {
    public var contract: String
    public var file: String
    public var idempotencyKey: String
    public var sha256: String
    public var receivedAt: String
    /// `applied`, `already-applied`, `rejected` (nothing of it applied) or the flow's own outcome.
    public var outcome: String
    public var items: Int
    public var accepted: Int
    public var quarantined: Int
    public var rejected: Int

    public init(
        contract: String, file: String, idempotencyKey: String, sha256: String, receivedAt: String, outcome: String, items: Int, accepted: Int,
        quarantined: Int, rejected: Int
    ) {
        self.contract = contract
        self.file = file
        self.idempotencyKey = idempotencyKey
        self.sha256 = sha256
        self.receivedAt = receivedAt
        self.outcome = outcome
        self.items = items
        self.accepted = accepted
        self.quarantined = quarantined
        self.rejected = rejected
    }
}

/// What the gateway does with a file of one contract, as if it were given on the command line.
public struct InboxProcessor: Sendable {
    /// The partner's file-name rule (its adapter's `fileName`), which the file's name must follow.
    public let fileName: FileNameTemplate
    /// Processes the stored file; the counts and outcome go into the receipt.
    public let process: @Sendable (_ file: URL) throws -> (outcome: String, validation: ValidationReport)

    public init(fileName: FileNameTemplate, process: @escaping @Sendable (_ file: URL) throws -> (outcome: String, validation: ValidationReport)) {
        self.fileName = fileName
        self.process = process
    }
}
