import Crypto
import Foundation
import Sealing
import Store

/// Keyed pseudonyms of persons for incident records: HMAC-SHA-256 of the person key under a key
/// derived from the gateway's signing key, so the same person gets the same pseudonym in every
/// incident, and nobody without the key can link it to a BSN.
public struct SubjectPseudonym: Sendable {
    let key: Data

    public init(key: Data) { self.key = key }

    /// The pseudonym of `person`, hex.
    public func of(_ person: PersonKey) -> String {
        Hex.encode(HMAC<SHA256>.authenticationCode(for: Data(person.value.utf8), using: SymmetricKey(data: key)))
    }
}
