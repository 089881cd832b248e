import Foundation
import KetenpoortCore

extension DetachedJWS {
    /// The `kp-sha256` a compact seal states, read from its protected header alone (no certificate
    /// is parsed, nothing is verified): the digest of the payload as it was sealed, for a sender
    /// that needs it without another pass over a large payload. nil when the seal does not parse
    /// or states no valid digest.
    public static func sealedPayloadSHA256(_ compact: String) -> Data? {
        struct Claims: Decodable {
            let payloadSHA256: String
            enum CodingKeys: String, CodingKey { case payloadSHA256 = "kp-sha256" }
        }
        guard let end = compact.utf8.firstIndex(of: UInt8(ascii: ".")),
            let json = Base64URL.decode(compact[..<end]),
            let claims = try? JSONDecoder().decode(Claims.self, from: json),
            let digest = Hex.decode(claims.payloadSHA256), digest.count == 32
        else { return nil }
        return digest
    }
}
