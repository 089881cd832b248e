import Crypto
import Foundation
import KetenpoortCore
import X509

/// A detached JWS (ES256, `x5c`) over an arbitrary small payload: the signature of an audit-chain
/// checkpoint. Unlike a batch seal it asserts nothing in its header; the payload says it all.
///
/// ```swift
/// let jws = try CheckpointJWS.sign(payload: Data(#"{"hash":"ab…","seq":100}"#.utf8), signer: gateway)
/// let signer = try await CheckpointJWS(compact: jws.compact).verify(payload: payload, trustedRoots: [ca], at: signedAt)
/// ```
public struct CheckpointJWS: Sendable {
    /// The compact serialisation, payload part empty.
    public let compact: String
    /// The `x5c` certificates, signer first.
    public let certificates: [Certificate]
    /// The raw `r || s` signature (64 bytes).
    public let signature: Data
    private let encodedHeader: Substring

    private struct Header: Codable {
        var alg: String
        var typ: String?
        var x5c: [String]
        var kid: String?
    }

    /// Parses a compact detached JWS; throws `sealing.jws-malformed`.
    public init(compact: String) throws {
        func malformed(_ reason: String) -> KetenpoortError { KetenpoortError(.sealingMalformed, reason) }
        let text = String(compact.trimmingASCIIWhitespace)
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[1].isEmpty else { throw malformed("a detached compact JWS is <header>..<signature>") }
        guard let headerJSON = Base64URL.decode(parts[0]), let header = try? JSONDecoder().decode(Header.self, from: headerJSON) else {
            throw malformed("the header is not a base64url JSON object with alg and x5c")
        }
        guard header.alg == DetachedJWS.algorithm else { throw malformed("alg is \(header.alg), only ES256 is accepted") }
        guard let signature = Base64URL.decode(parts[2]), signature.count == 64 else { throw malformed("an ES256 signature is 64 bytes") }
        var certificates: [Certificate] = []
        for (index, entry) in header.x5c.enumerated() {
            guard let der = Data(base64Encoded: entry), let certificate = try? Certificate(derEncoded: Array(der)) else {
                throw malformed("x5c[\(index)] is not a base64 DER certificate")
            }
            certificates.append(certificate)
        }
        guard !certificates.isEmpty else { throw malformed("x5c is empty") }
        self.compact = text
        self.certificates = certificates
        self.signature = signature
        self.encodedHeader = parts[0]
    }

    /// Signs `payload` with `signer`'s key, its chain in `x5c`.
    public static func sign(payload: some DataProtocol, signer: SigningIdentity) throws -> CheckpointJWS {
        let chain = try signer.certificateChain.map { Data(try $0.derBytes()).base64EncodedString() }
        let header = Header(
            alg: DetachedJWS.algorithm, typ: "JOSE", x5c: chain, kid: Hex.encode(SHA256.hash(data: try signer.certificate.derBytes())))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let encodedHeader = Base64URL.encode(try encoder.encode(header))
        let digest = DetachedJWS.signingInputDigest(encodedHeader: Substring(encodedHeader), payload: payload)
        let signature = try signer.privateKey.signature(for: digest)
        return try CheckpointJWS(compact: encodedHeader + ".." + Base64URL.encode(signature.rawRepresentation))
    }

    /// Verifies the signature over `payload` and that the signer chains to `trustedRoots` at `time`;
    /// returns the signer certificate. Throws `sealing.certificate-untrusted` or `sealing.signature-invalid`.
    public func verify(payload: some DataProtocol, trustedRoots: [Certificate], at time: Date) async throws -> Certificate {
        let signer = certificates[0]
        _ = try await CertificateTrust.validate(leaf: signer, intermediates: Array(certificates.dropFirst()), roots: trustedRoots, at: time)
        guard let key = P256.Signing.PublicKey(signer.publicKey), let ecdsa = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            key.isValidSignature(ecdsa, for: DetachedJWS.signingInputDigest(encodedHeader: encodedHeader, payload: payload))
        else {
            throw KetenpoortError(.sealingSignatureInvalid, "the checkpoint signature does not match its payload")
        }
        return signer
    }

    /// The exact bytes signed: `b64url(header) + "." + b64url(payload)`.
    public func signingInput(payload: some DataProtocol) -> Data {
        Data(encodedHeader.utf8) + Data(".".utf8) + Data(Base64URL.encodeBytes(payload))
    }
}

extension DetachedJWS {
    /// The exact bytes signed for `payload`: `b64url(header) + "." + b64url(payload)`.
    public func signingInput(payload: some DataProtocol) -> Data {
        Data(compact.prefix { $0 != "." }.utf8) + Data(".".utf8) + Data(Base64URL.encodeBytes(payload))
    }

    /// The protected header's JSON, exactly as signed.
    public var protectedHeaderJSON: Data {
        Base64URL.decode(compact.prefix { $0 != "." }) ?? Data()
    }
}

/// The forms of an ES256 signature standard tools read.
public enum ES256Signature {
    /// The DER (ASN.1) form of a raw `r || s` signature, as `openssl dgst -verify` expects it.
    public static func der(raw: Data) throws -> Data {
        try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation
    }

    /// The raw signature of a compact JWS (its third part).
    public static func raw(compact: String) -> Data? {
        compact.split(separator: ".", omittingEmptySubsequences: false).last.flatMap { Base64URL.decode($0) }
    }
}
