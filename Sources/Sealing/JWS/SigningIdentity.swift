import Crypto
import Foundation
import KetenpoortCore
import X509

/// A certificate chain with the private key of its first certificate: who seals.
public struct SigningIdentity: Sendable {
    /// Signer certificate first, then its issuers (they go into `x5c` in this order).
    public let certificateChain: [Certificate]
    /// The key's scalar: swift-crypto's key type is not `Sendable` on Linux, its bytes are.
    private let keyBytes: Data
    /// The chain as a JWS `x5c` holds it (base64 DER, signer first), encoded once.
    public let x5c: [String]
    /// The JWS `kid`: hex SHA-256 of the signer certificate's DER.
    public let keyID: String

    /// Pairs a chain with its key; throws `sealing.identity-invalid` unless the key belongs to the first certificate.
    public init(certificateChain: [Certificate], privateKey: P256.Signing.PrivateKey) throws {
        guard let leaf = certificateChain.first else {
            throw KetenpoortError(.sealingIdentityInvalid, "the certificate chain is empty")
        }
        guard let certificateKey = P256.Signing.PublicKey(leaf.publicKey),
            certificateKey.rawRepresentation == privateKey.publicKey.rawRepresentation
        else {
            throw KetenpoortError(.sealingIdentityInvalid, "the private key does not belong to the certificate")
        }
        self.certificateChain = certificateChain
        self.keyBytes = privateKey.rawRepresentation
        let ders = try certificateChain.map { Data(try $0.derBytes()) }
        x5c = ders.map { $0.base64EncodedString() }
        keyID = Hex.encode(SHA256.hash(data: ders[0]))
    }

    /// The signer's P-256 key.
    public var privateKey: P256.Signing.PrivateKey {
        // The bytes came from a valid key in `init`.
        try! P256.Signing.PrivateKey(rawRepresentation: keyBytes)
    }

    /// Loads a chain (`<id>.pem`) and its key (`<id>-key.pem`) as `DevPKI` writes them.
    public init(certificateFile: URL, keyFile: URL) throws {
        try self.init(certificateChain: try PEMFiles.loadCertificates(certificateFile), privateKey: try PEMFiles.loadPrivateKey(keyFile))
    }

    /// The signer's certificate.
    public var certificate: Certificate { certificateChain[0] }

    /// The OIN in the signer certificate's subject, if any.
    public var oin: OIN? { certificate.oin }
}
