import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

/// Keyed pseudonyms of persons for incident records: HMAC-SHA-256 of the person key under a key
/// derived from the gateway's signing key, so the same person gets the same pseudonym in every
/// incident, and nobody without the key can link it to a BSN.
///
/// `@unchecked Sendable`: the keyed HMAC is only ever copied, never changed in place.
public struct SubjectPseudonym: @unchecked Sendable {
    /// Keyed once (every IND answer makes a pseudonym); each pseudonym hashes on a copy.
    private let keyed: HMAC<SHA256>

    public init(key: Data) { keyed = HMAC<SHA256>(key: SymmetricKey(data: key)) }

    /// The pseudonym of `person`, hex.
    public func of(_ person: PersonKey) -> String {
        var mac = keyed
        var value = person.value
        value.withUTF8 { mac.update(data: $0) }
        // From the code's own bytes: as a plain sequence it would be copied into an array first.
        return mac.finalize().withUnsafeBytes { Hex.encode($0) }
    }
}
