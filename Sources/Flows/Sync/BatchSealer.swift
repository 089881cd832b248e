import Foundation
import KetenpoortCore

/// What a seal commits to, besides the payload bytes.
public struct BatchSealFields: Sendable, Equatable {
    public let batch: String
    public let sender: OIN
    public let recipient: OIN
    public let contract: String
    public let contractVersion: String
    public let recordCount: Int

    public init(batch: String, sender: OIN, recipient: OIN, contract: String, contractVersion: String, recordCount: Int) {
        self.batch = batch
        self.sender = sender
        self.recipient = recipient
        self.contract = contract
        self.contractVersion = contractVersion
        self.recordCount = recordCount
    }
}

/// A sealed batch's proof: the Merkle root over its record hashes and the detached JWS over its bytes.
public struct BatchSeal: Sendable, Equatable {
    public let merkleRoot: Data
    public let signature: String

    public init(merkleRoot: Data, signature: String) {
        self.merkleRoot = merkleRoot
        self.signature = signature
    }
}

/// Seals batches with the gateway's key.
public protocol BatchSealer: Sendable {
    /// Seals `payload`, whose records hash to `recordHashes` (SHA-256, in order).
    func seal(payload: Data, recordHashes: [Data], fields: BatchSealFields) throws -> BatchSeal
}
