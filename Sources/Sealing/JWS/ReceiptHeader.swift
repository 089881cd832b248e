import Crypto
import Foundation
import KetenpoortCore

/// What the gateway's signature on an inbox receipt asserts (docs/sealed-batch.md §7): which file
/// of which partner it took in under which key, what it did with it and with which counts, when.
/// The `kp-` parameters and `iat` of the receipt's JWS header.
public struct ReceiptHeader: Sendable, Hashable, Codable {
    /// The contract of the delivered file (the inbox path's last segment).
    public var contract: String
    /// The delivery's `Idempotency-Key`.
    public var idempotencyKey: String
    /// The signing party, the gateway: must be the OIN in the signer's certificate.
    public var sender: OIN
    /// The partner that delivered the file: the OIN of its client certificate.
    public var partner: OIN
    /// The SHA-256 of the delivered file's bytes, hex.
    public var payloadSHA256: String
    /// The SHA-256 of the receipt body (the JWS payload), hex.
    public var receiptSHA256: String
    /// What the gateway did with the file (`applied`, `rejected`, …).
    public var outcome: String
    /// The validation counts: items, and of them accepted, quarantined, rejected.
    public var items: Int
    public var accepted: Int
    public var quarantined: Int
    public var rejected: Int
    /// When the gateway took the file in, whole seconds.
    public var issuedAt: Date

    /// The header for `receipt` (its body bytes, exactly as sent); `issuedAt` is truncated to whole seconds.
    public init(
        receipt: some DataProtocol, contract: String, idempotencyKey: String, sender: OIN, partner: OIN, payloadSHA256: String, outcome: String,
        items: Int, accepted: Int, quarantined: Int, rejected: Int, issuedAt: Date
    ) {
        self.contract = contract
        self.idempotencyKey = idempotencyKey
        self.sender = sender
        self.partner = partner
        self.payloadSHA256 = payloadSHA256
        self.receiptSHA256 = Hex.encode(SHA256.hash(data: receipt))
        self.outcome = outcome
        self.items = items
        self.accepted = accepted
        self.quarantined = quarantined
        self.rejected = rejected
        self.issuedAt = Date(timeIntervalSince1970: issuedAt.timeIntervalSince1970.rounded(.down))
    }

    enum CodingKeys: String, CodingKey {
        case contract = "kp-contract"
        case idempotencyKey = "kp-idempotency-key"
        case sender = "kp-sender"
        case partner = "kp-partner"
        case payloadSHA256 = "kp-payload-sha256"
        case receiptSHA256 = "kp-sha256"
        case outcome = "kp-outcome"
        case items = "kp-items"
        case accepted = "kp-accepted"
        case quarantined = "kp-quarantined"
        case rejected = "kp-rejected"
        case issuedAt = "iat"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        contract = try container.decode(String.self, forKey: .contract)
        idempotencyKey = try container.decode(String.self, forKey: .idempotencyKey)
        sender = try container.decodeOIN(forKey: .sender)
        partner = try container.decodeOIN(forKey: .partner)
        payloadSHA256 = try container.decodeSHA256Hex(forKey: .payloadSHA256)
        receiptSHA256 = try container.decodeSHA256Hex(forKey: .receiptSHA256)
        outcome = try container.decode(String.self, forKey: .outcome)
        items = try container.decode(Int.self, forKey: .items)
        accepted = try container.decode(Int.self, forKey: .accepted)
        quarantined = try container.decode(Int.self, forKey: .quarantined)
        rejected = try container.decode(Int.self, forKey: .rejected)
        issuedAt = Date(timeIntervalSince1970: TimeInterval(try container.decode(Int64.self, forKey: .issuedAt)))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(contract, forKey: .contract)
        try container.encode(idempotencyKey, forKey: .idempotencyKey)
        try container.encode(sender.value, forKey: .sender)
        try container.encode(partner.value, forKey: .partner)
        try container.encode(payloadSHA256, forKey: .payloadSHA256)
        try container.encode(receiptSHA256, forKey: .receiptSHA256)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(items, forKey: .items)
        try container.encode(accepted, forKey: .accepted)
        try container.encode(quarantined, forKey: .quarantined)
        try container.encode(rejected, forKey: .rejected)
        try container.encode(Int64(issuedAt.timeIntervalSince1970), forKey: .issuedAt)
    }
}
