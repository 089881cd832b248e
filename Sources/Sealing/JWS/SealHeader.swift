import Foundation
import KetenpoortCore

/// What a batch's seal asserts about it: the `kp-` parameters and `iat` of the JWS header.
///
/// Hashes are lower-case hex; `issuedAt` is kept to whole seconds, as `iat` carries it.
public struct SealHeader: Sendable, Hashable, Codable {
    /// The batch id (also the delivery's `Idempotency-Key`).
    public var batch: BatchID
    /// The sealing party, the gateway: must be the OIN in the signer's certificate.
    public var sender: OIN
    /// The party the batch is for.
    public var recipient: OIN
    /// The data contract's id.
    public var contract: String
    /// The data contract's version.
    public var contractVersion: String
    /// The number of records in the batch (the Merkle tree's size).
    public var count: Int
    /// The Merkle root over the record hashes, hex.
    public var merkleRoot: String
    /// The SHA-256 of the payload bytes, hex.
    public var payloadSHA256: String
    /// When the batch was sealed.
    public var issuedAt: Date

    /// A header from its parts; `issuedAt` is truncated to whole seconds.
    public init(
        batch: BatchID, sender: OIN, recipient: OIN, contract: String, contractVersion: String, count: Int, merkleRoot: String,
        payloadSHA256: String, issuedAt: Date
    ) {
        self.batch = batch
        self.sender = sender
        self.recipient = recipient
        self.contract = contract
        self.contractVersion = contractVersion
        self.count = count
        self.merkleRoot = merkleRoot
        self.payloadSHA256 = payloadSHA256
        self.issuedAt = Date(timeIntervalSince1970: Self.seconds(issuedAt))
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case batch = "kp-batch"
        case sender = "kp-sender"
        case recipient = "kp-recipient"
        case contract = "kp-contract"
        case contractVersion = "kp-contract-version"
        case count = "kp-count"
        case merkleRoot = "kp-merkle-root"
        case payloadSHA256 = "kp-sha256"
        case issuedAt = "iat"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        batch = try container.decode(BatchID.self, forKey: .batch)
        sender = try container.decodeOIN(forKey: .sender)
        recipient = try container.decodeOIN(forKey: .recipient)
        contract = try container.decode(String.self, forKey: .contract)
        contractVersion = try container.decode(String.self, forKey: .contractVersion)
        count = try container.decode(Int.self, forKey: .count)
        guard count >= 0 else { throw DecodingError.dataCorruptedError(forKey: .count, in: container, debugDescription: "negative count") }
        merkleRoot = try container.decodeSHA256Hex(forKey: .merkleRoot)
        payloadSHA256 = try container.decodeSHA256Hex(forKey: .payloadSHA256)
        issuedAt = Date(timeIntervalSince1970: TimeInterval(try container.decode(Int64.self, forKey: .issuedAt)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(batch, forKey: .batch)
        try container.encode(sender.value, forKey: .sender)
        try container.encode(recipient.value, forKey: .recipient)
        try container.encode(contract, forKey: .contract)
        try container.encode(contractVersion, forKey: .contractVersion)
        try container.encode(count, forKey: .count)
        try container.encode(merkleRoot, forKey: .merkleRoot)
        try container.encode(payloadSHA256, forKey: .payloadSHA256)
        try container.encode(Int64(Self.seconds(issuedAt)), forKey: .issuedAt)
    }

    private static func seconds(_ date: Date) -> TimeInterval { date.timeIntervalSince1970.rounded(.down) }
}
