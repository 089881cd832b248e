import Foundation
import KetenpoortCore

/// The request header fields of one delivery (formats.md §8).
///
/// ```swift
/// let headers = try DeliveryHeaders(contentType: "application/xml", batchID: batch.id, body: xml, signature: jws.compact)
/// let response = try await client.post(url: endpoint, headers: headers.fields, body: xml, tls: settings, timeout: .seconds(30))
/// ```
public struct DeliveryHeaders: Sendable, Hashable {
    /// `Content-Type` of the payload, e.g. `application/xml`.
    public var contentType: String
    /// `Idempotency-Key`: the batch id, the same on every attempt.
    public var idempotencyKey: String
    /// `Content-Digest: sha-256=:<base64>:` of the body (RFC 9530).
    public var contentDigest: String
    /// `Ketenpoort-Signature`: the detached JWS (`<header>..<signature>`) over the body, when sealed.
    public var signature: String?
    /// `traceparent` (W3C Trace Context).
    public var traceParent: TraceParent

    /// The header names, as sent.
    public enum Name {
        public static let contentType = "Content-Type"
        public static let idempotencyKey = "Idempotency-Key"
        public static let contentDigest = "Content-Digest"
        public static let signature = "Ketenpoort-Signature"
        public static let traceParent = "traceparent"
    }

    /// Builds the fields for `body`; throws `transport.header-invalid` for a batch id or content type
    /// that is not a plain token (they must not be able to inject header lines or path segments).
    public init(contentType: String, batchID: BatchID, body: some DataProtocol, signature: String?, traceParent: TraceParent = .random()) throws {
        try self.init(
            contentType: contentType, batchID: batchID, contentDigest: ContentDigest.field(for: body), signature: signature, traceParent: traceParent)
    }

    /// Builds the fields for a body whose `Content-Digest` field was computed already (a body read
    /// part by part); see `init(contentType:batchID:body:signature:traceParent:)`.
    public init(contentType: String, batchID: BatchID, contentDigest: String, signature: String?, traceParent: TraceParent = .random()) throws {
        guard Self.isIdempotencyKey(batchID.value) else {
            throw KetenpoortError(.transportHeaderInvalid, "a batch id must be 1–128 of A-Z a-z 0-9 . _ - and not start with '.'")
        }
        guard !contentType.isEmpty, contentType.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else {
            throw KetenpoortError(.transportHeaderInvalid, "the content type must be printable ASCII")
        }
        if let signature, !signature.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) {
            throw KetenpoortError(.transportHeaderInvalid, "the signature must be a compact JWS")
        }
        self.contentType = contentType
        self.idempotencyKey = batchID.value
        self.contentDigest = contentDigest
        self.signature = signature
        self.traceParent = traceParent
    }

    /// The fields in sending order.
    public var fields: [(name: String, value: String)] {
        var fields = [
            (Name.contentType, contentType), (Name.idempotencyKey, idempotencyKey), (Name.contentDigest, contentDigest),
        ]
        if let signature { fields.append((Name.signature, signature)) }
        fields.append((Name.traceParent, traceParent.description))
        return fields.map { (name: $0.0, value: $0.1) }
    }

    /// Whether `key` may serve as an idempotency key: 1–128 of `A-Z a-z 0-9 . _ -`, not starting with `.`
    /// (the receiver also uses it as a file name).
    public static func isIdempotencyKey(_ key: some StringProtocol) -> Bool {
        (1...128).contains(key.utf8.count) && key.utf8.first != UInt8(ascii: ".")
            && key.utf8.allSatisfy { ASCII.isDigit($0) || ASCII.isLower($0) || ASCII.isUpper($0) || "._-".utf8.contains($0) }
    }
}
