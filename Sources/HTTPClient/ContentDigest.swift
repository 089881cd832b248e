import Crypto
import Foundation
import KetenpoortCore

/// The `Content-Digest` field of RFC 9530: a structured-field dictionary of algorithm → `:base64:` digest.
///
/// ```swift
/// let field = ContentDigest.field(for: body)          // "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"
/// try ContentDigest.verify(field, body: receivedBody)  // throws transport.digest-mismatch
/// ```
public enum ContentDigest {
    /// The algorithms this side checks; others in a field are ignored (RFC 9530 §2).
    public static let supportedAlgorithms = ["sha-256", "sha-512"]

    /// `sha-256=:<base64>:` for `body`.
    public static func field(for body: some DataProtocol) -> String {
        field(sha256: SHA256.hash(data: body))
    }

    /// `sha-256=:<base64>:` for a body whose SHA-256 is `digest`.
    public static func field(sha256 digest: SHA256.Digest) -> String {
        field(sha256: Data(digest))
    }

    /// `sha-256=:<base64>:` for a body whose SHA-256 is the 32 bytes `digest`.
    public static func field(sha256 digest: Data) -> String {
        "sha-256=:" + digest.base64EncodedString() + ":"
    }

    /// The members of a `Content-Digest` field, algorithm (lower-cased) → digest bytes; throws
    /// `transport.digest-malformed` unless every member is `<key>=:<base64>:` (parameters ignored).
    public static func parse(_ field: String) throws -> [String: Data] {
        var digests: [String: Data] = [:]
        for member in field.split(separator: ",") {
            let text = member.trimmingCharacters(in: .whitespaces)
            guard let equals = text.firstIndex(of: "=") else { throw malformed("a member has no value") }
            let key = text[..<equals].lowercased()
            var value = text[text.index(after: equals)...]
            if let parameters = value.firstIndex(of: ";") { value = value[..<parameters] }
            guard isKey(key), value.count >= 2, value.first == ":", value.last == ":",
                let digest = Data(base64Encoded: String(value.dropFirst().dropLast()))
            else { throw malformed("member '\(key.prefix(20))' is not a byte sequence") }
            digests[key] = digest
        }
        guard !digests.isEmpty else { throw malformed("the field is empty") }
        return digests
    }

    /// Checks `field` against `body`: at least one supported algorithm, and every supported one
    /// matches. The body is hashed only with the algorithms the field names.
    public static func verify(_ field: String, body: some DataProtocol) throws {
        try verify(field, body: body, sha256: Data(SHA256.hash(data: body)))
    }

    /// As `verify(_:body:)`, for a body whose SHA-256 was taken already (`sha256`, 32 bytes).
    public static func verify(_ field: String, body: some DataProtocol, sha256: Data) throws {
        let sha512 = namesSHA512(field) ? Data(SHA512.hash(data: body)) : nil
        try verify(field, sha256: sha256, sha512: sha512)
    }

    /// Whether `field` has a sha-512 member, so that a body streamed past must be hashed with
    /// SHA-512 too (a malformed field: false; `verify` reports it). A sender of ours names only
    /// sha-256, and a second hash of a 150 MB upload costs a core a quarter of a second.
    public static func namesSHA512(_ field: String) -> Bool {
        (try? parse(field))?["sha-512"] != nil
    }

    /// Checks `field` against a body's digests taken as it arrived (a streamed body): at least one
    /// supported algorithm, and every supported one matches; `sha512` is needed only when the field
    /// names it (`namesSHA512`). Throws `transport.digest-malformed` or `transport.digest-mismatch`.
    public static func verify(_ field: String, sha256: Data, sha512: Data?) throws {
        let known = try parse(field).filter { supportedAlgorithms.contains($0.key) }
        guard !known.isEmpty else {
            throw KetenpoortError(.transportDigestMalformed, "Content-Digest has no sha-256 or sha-512 member")
        }
        for (algorithm, expected) in known where (algorithm == "sha-256" ? sha256 : sha512) != expected {
            throw KetenpoortError(.transportDigestMismatch, "the body does not match its Content-Digest (\(algorithm))")
        }
    }

    private static func isKey(_ key: String) -> Bool {
        guard let first = key.utf8.first, ASCII.isLower(first) || first == UInt8(ascii: "*") else { return false }
        return key.utf8.allSatisfy { ASCII.isLower($0) || ASCII.isDigit($0) || "_-.*".utf8.contains($0) }
    }

    private static func malformed(_ reason: String) -> KetenpoortError {
        KetenpoortError(.transportDigestMalformed, "Content-Digest is malformed: \(reason)")
    }
}
