import Crypto
import Foundation
import KetenpoortCore
import X509

/// A JWS with detached payload (RFC 7515 Appendix F), ES256 with an `x5c` chain: the seal of a batch.
///
/// The compact form is `<b64url(header)>..<b64url(signature)>`; the signature covers
/// `b64url(header) + "." + b64url(payload)`, so any JOSE library verifies it once given the payload.
///
/// ```swift
/// let jws = try DetachedJWS.sign(payload: body, header: seal, signer: gateway)
/// let header = try await DetachedJWS(compact: jws.compact).verify(payload: body, trustedRoots: [ca], at: .now)
/// ```
public struct DetachedJWS: Sendable, Hashable, CustomStringConvertible {
    /// The compact serialisation, payload part empty.
    public let compact: String
    /// The sealed header as the JWS states it: not to be trusted before `verify` has returned it.
    public let header: SealHeader
    /// The `x5c` certificates, signer first.
    public let certificates: [Certificate]
    /// The `kid`: hex SHA-256 of the signer certificate's DER, when present.
    public let keyID: String?
    private let encodedHeader: Substring
    /// The raw `r || s` signature (64 bytes).
    private let signature: Data

    /// The only algorithm accepted and produced.
    public static let algorithm = "ES256"

    /// Parses a compact detached JWS; throws `sealing.jws-malformed`.
    public init(compact: String) throws {
        func malformed(_ reason: String) -> KetenpoortError { KetenpoortError(.sealingMalformed, reason) }
        let text = String(compact.trimmingASCIIWhitespace)
        // Split as bytes: a split by Character walks grapheme clusters through the ~3 KB of `x5c`.
        let parts = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map { Substring($0) }
        guard parts.count == 3 else { throw malformed("a compact JWS has three dot-separated parts") }
        guard parts[1].isEmpty else { throw malformed("the payload part is not detached (not empty)") }
        guard let headerJSON = Base64URL.decode(parts[0]) else { throw malformed("the header is not base64url") }
        guard let signatureBytes = Base64URL.decode(parts[2]) else { throw malformed("the signature is not base64url") }
        let protected: ProtectedHeader<SealHeader>
        do {
            protected = try JSONDecoder().decode(ProtectedHeader<SealHeader>.self, from: headerJSON)
        } catch let DecodingError.keyNotFound(key, _) {
            throw malformed("the header lacks \(key.stringValue)")
        } catch let DecodingError.dataCorrupted(context) {
            throw malformed("the header's \(context.codingPath.last?.stringValue ?? "JSON") is invalid: \(context.debugDescription)")
        } catch let DecodingError.typeMismatch(_, context) {
            throw malformed("the header's \(context.codingPath.last?.stringValue ?? "JSON") has the wrong type")
        } catch {
            throw malformed("the header is not a JSON object")
        }
        guard protected.algorithm == Self.algorithm else { throw malformed("alg is \(protected.algorithm), only ES256 is accepted") }
        guard protected.critical == nil else { throw malformed("critical header parameters (crit) are not supported") }
        guard protected.base64Payload != false else { throw malformed("an unencoded payload (b64: false) is not supported") }
        guard !protected.certificateChain.isEmpty else { throw malformed("x5c is empty") }
        var certificates: [Certificate] = []
        var leafDER: [UInt8] = []
        for (index, entry) in protected.certificateChain.enumerated() {
            guard let der = Data(base64Encoded: entry) else { throw malformed("x5c[\(index)] is not base64") }
            do {
                certificates.append(try Certificate(derEncoded: Array(der)))
            } catch {
                throw malformed("x5c[\(index)] is not a DER certificate")
            }
            if index == 0 { leafDER = Array(der) }
        }
        if let keyID = protected.keyID, keyID.lowercased() != Hex.encode(SHA256.hash(data: leafDER)) {
            throw malformed("kid does not match the signer certificate")
        }
        guard signatureBytes.count == 64 else { throw malformed("an ES256 signature is 64 bytes (r || s), not \(signatureBytes.count)") }
        signature = signatureBytes
        self.compact = text
        self.header = protected.claims
        self.certificates = certificates
        self.keyID = protected.keyID
        self.encodedHeader = parts[0]
    }

    /// Signs `payload` with `header`, whose `kp-sha256` must be the payload's digest (`BatchSealer` fills it
    /// in); throws `sealing.digest-mismatch` otherwise, so a seal never asserts another payload.
    /// - Parameter includeKeyID: whether to add `kid` (hex SHA-256 of the signer certificate).
    public static func sign(payload: some DataProtocol, header: SealHeader, signer: SigningIdentity, includeKeyID: Bool = true) throws -> DetachedJWS
    {
        let data = payload as? Data ?? Data(payload)
        return try sign(header: header, signer: signer, includeKeyID: includeKeyID) { part in try part(data) }
    }

    /// Signs a payload given in parts: `payload` calls its argument with each part in order (it
    /// may read them from disk one at a time). As `sign(payload:header:signer:)`, the parts'
    /// SHA-256 must be the header's `kp-sha256`.
    public static func sign(
        header: SealHeader, signer: SigningIdentity, includeKeyID: Bool = true,
        payload: (_ part: (Data) throws -> Void) throws -> Void
    ) throws -> DetachedJWS {
        try sign(header: header, signer: signer, includeKeyID: includeKeyID, checkingDigest: true, payload: payload)
    }

    /// Signs as above; `checkingDigest: false` only where the caller has just taken `kp-sha256`
    /// of these very bytes (`BatchSealer`), so a large batch is not hashed a third time.
    static func sign(
        header: SealHeader, signer: SigningIdentity, includeKeyID: Bool, checkingDigest: Bool,
        payload: (_ part: (Data) throws -> Void) throws -> Void
    ) throws -> DetachedJWS {
        let keyID = includeKeyID ? signer.keyID : nil
        let protected = ProtectedHeader(algorithm: algorithm, type: "JOSE", certificateChain: signer.x5c, keyID: keyID, claims: header)
        let encodedHeader = Base64URL.encode(try protected.encoded())
        var input = SigningInputHasher(encodedHeader: Substring(encodedHeader))
        var digest = SHA256()
        try payload { part in
            input.update(part)
            if checkingDigest { digest.update(data: part) }
        }
        guard !checkingDigest || Hex.encode(digest.finalize()) == header.payloadSHA256 else {
            throw KetenpoortError(.sealingDigestMismatch, "kp-sha256 of the header to sign is not the payload's SHA-256")
        }
        let signature = try signer.privateKey.signature(for: input.finalize())
        // Built from what was just signed, not parsed back: the chain is the signer's own.
        let compact = encodedHeader + ".." + Base64URL.encode(signature.rawRepresentation)
        return DetachedJWS(
            compact: compact, header: header, certificates: signer.certificateChain, keyID: keyID,
            encodedHeader: compact[..<compact.firstIndex(of: ".")!], signature: signature.rawRepresentation)
    }

    private init(compact: String, header: SealHeader, certificates: [Certificate], keyID: String?, encodedHeader: Substring, signature: Data) {
        self.compact = compact
        self.header = header
        self.certificates = certificates
        self.keyID = keyID
        self.encodedHeader = encodedHeader
        self.signature = signature
    }

    /// Verifies the seal over `payload` and returns its header; throws, in this order of checks,
    /// `sealing.certificate-untrusted` (the `x5c` chain does not lead to one of `trustedRoots` at `time`,
    /// or the signer may not sign), `sealing.digest-mismatch` (the payload is not the sealed one),
    /// `sealing.signature-invalid`, and `sealing.sender-mismatch` (the certificate's OIN is not `kp-sender`).
    public func verify(payload: some DataProtocol, trustedRoots: [Certificate], at time: Date) async throws -> SealHeader {
        try await verify(sha256: Data(SHA256.hash(data: payload)), trustedRoots: trustedRoots, at: time) {
            Self.signingInputDigest(encodedHeader: encodedHeader, payload: payload)
        }
    }

    /// As `verify(payload:trustedRoots:at:)`, with the payload's SHA-256 already taken.
    public func verify(payload: HashedPayload, trustedRoots: [Certificate], at time: Date) async throws -> SealHeader {
        try await verify(sha256: payload.sha256, trustedRoots: trustedRoots, at: time) {
            Self.signingInputDigest(encodedHeader: encodedHeader, payload: payload.bytes)
        }
    }

    /// As `verify(payload:trustedRoots:at:)`, with both passes over the payload already made: its
    /// SHA-256 and `signingInputDigest(payload:)`. For a large payload hashed on a thread of its own.
    public func verify(payloadSHA256: Data, signingInputDigest: SigningInputDigest, trustedRoots: [Certificate], at time: Date) async throws
        -> SealHeader
    {
        try await verify(sha256: payloadSHA256, trustedRoots: trustedRoots, at: time) { signingInputDigest.value }
    }

    /// The SHA-256 of what the signature covers, this header and `payload` (see
    /// `verify(payloadSHA256:signingInputDigest:trustedRoots:at:)`).
    public func signingInputDigest(payload: Data) -> SigningInputDigest {
        SigningInputDigest(value: Self.signingInputDigest(encodedHeader: encodedHeader, payload: payload))
    }

    /// The SHA-256 of a signing input, to hand from the thread that took it to the one that verifies.
    /// `@unchecked Sendable`: 32 bytes held by value (swift-crypto does not mark its digests `Sendable`).
    public struct SigningInputDigest: @unchecked Sendable, Equatable {
        let value: SHA256.Digest
    }

    /// `signingInput` is taken at the signature check, after the chain and digest checks: a seal
    /// refused before it costs no pass over the payload.
    private func verify(sha256: Data, trustedRoots: [Certificate], at time: Date, signingInput: () -> SHA256.Digest) async throws -> SealHeader {
        let signer = certificates[0]
        _ = try await CertificateTrust.validate(leaf: signer, intermediates: Array(certificates.dropFirst()), roots: trustedRoots, at: time)
        if let usage = try? signer.extensions.keyUsage, !usage.digitalSignature {
            throw KetenpoortError(.sealingUntrusted, "the signer certificate is not for digital signatures")
        }
        guard let publicKey = P256.Signing.PublicKey(signer.publicKey) else {
            throw KetenpoortError(.sealingUntrusted, "the signer certificate's key is not P-256")
        }
        guard Hex.encode(sha256) == header.payloadSHA256 else {
            throw KetenpoortError(.sealingDigestMismatch, "the payload's SHA-256 differs from the sealed kp-sha256")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature),
            publicKey.isValidSignature(signature, for: signingInput())
        else {
            throw KetenpoortError(.sealingSignatureInvalid, "the ES256 signature does not match the header and payload")
        }
        guard signer.oin == header.sender else {
            throw KetenpoortError(.sealingSenderMismatch, "the signer certificate's OIN is not kp-sender \(header.sender)")
        }
        return header
    }

    /// Parses and verifies in one step; see `verify(payload:trustedRoots:at:)`.
    public static func verify(jws: String, payload: some DataProtocol, trustedRoots: [Certificate], at time: Date) async throws -> SealHeader {
        try await DetachedJWS(compact: jws).verify(payload: payload, trustedRoots: trustedRoots, at: time)
    }

    /// Parses and verifies in one step; see `verify(payload:trustedRoots:at:)`.
    public static func verify(jws: String, payload: HashedPayload, trustedRoots: [Certificate], at time: Date) async throws -> SealHeader {
        try await DetachedJWS(compact: jws).verify(payload: payload, trustedRoots: trustedRoots, at: time)
    }

    public var description: String { compact }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.compact == rhs.compact }
    public func hash(into hasher: inout Hasher) { hasher.combine(compact) }

    /// SHA-256 of `b64url(header) + "." + b64url(payload)`.
    static func signingInputDigest(encodedHeader: Substring, payload: some DataProtocol) -> SHA256.Digest {
        var hasher = SigningInputHasher(encodedHeader: encodedHeader)
        // The caller's own `Data` as it is (the hasher encodes it in slices): a file mapped into
        // memory is not copied whole into the heap.
        hasher.update(payload as? Data ?? Data(payload))
        return hasher.finalize()
    }
}
