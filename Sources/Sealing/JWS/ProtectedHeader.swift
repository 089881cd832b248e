import Foundation

/// The whole JWS protected header: the JOSE parameters and, flattened beside them, what the
/// signature asserts (`SealHeader` for a batch, `ReceiptHeader` for a receipt).
struct ProtectedHeader<Claims: Codable>: Codable {
    /// Always `ES256`.
    var algorithm: String
    var type: String?
    /// Standard base64 DER certificates, signer first (RFC 7515 §4.1.6).
    var certificateChain: [String]
    /// Hex SHA-256 of the signer certificate's DER.
    var keyID: String?
    /// Critical extensions: none are understood, so any present makes the JWS unacceptable.
    var critical: [String]?
    /// RFC 7797 unencoded payload: only the default (`true`) is accepted.
    var base64Payload: Bool?
    var claims: Claims

    enum CodingKeys: String, CodingKey {
        case algorithm = "alg"
        case type = "typ"
        case certificateChain = "x5c"
        case keyID = "kid"
        case critical = "crit"
        case base64Payload = "b64"
    }

    init(algorithm: String, type: String?, certificateChain: [String], keyID: String?, claims: Claims) {
        self.algorithm = algorithm
        self.type = type
        self.certificateChain = certificateChain
        self.keyID = keyID
        self.claims = claims
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try container.decode(String.self, forKey: .algorithm)
        type = try container.decodeIfPresent(String.self, forKey: .type)
        certificateChain = try container.decode([String].self, forKey: .certificateChain)
        keyID = try container.decodeIfPresent(String.self, forKey: .keyID)
        critical = try container.decodeIfPresent([String].self, forKey: .critical)
        base64Payload = try container.decodeIfPresent(Bool.self, forKey: .base64Payload)
        claims = try Claims(from: decoder)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(algorithm, forKey: .algorithm)
        try container.encodeIfPresent(type, forKey: .type)
        try container.encode(certificateChain, forKey: .certificateChain)
        try container.encodeIfPresent(keyID, forKey: .keyID)
        try container.encodeIfPresent(critical, forKey: .critical)
        try container.encodeIfPresent(base64Payload, forKey: .base64Payload)
        try claims.encode(to: encoder)
    }

    /// The header's JSON: sorted keys, no escaped slashes, so the same header gives the same bytes.
    func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
