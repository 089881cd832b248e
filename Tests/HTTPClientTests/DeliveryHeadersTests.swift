import CCurl
import Crypto
import Foundation
import KetenpoortCore
import Testing

@testable import HTTPClient

@Suite("Delivery headers, Content-Digest, traceparent, curl error mapping")
struct DeliveryHeadersTests {
    @Test("Content-Digest of RFC 9530's own example")
    func rfcExample() throws {
        let body = Data("{\"hello\": \"world\"}\n".utf8)
        #expect(ContentDigest.field(for: body) == "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:")
        try ContentDigest.verify("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", body: body)
        let both =
            "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:, sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
        try ContentDigest.verify(both, body: body)
        #expect(try ContentDigest.parse(both).keys.sorted() == ["sha-256", "sha-512"])
    }

    @Test("a body is hashed with SHA-512 only when the field names it; a streamed body's missing SHA-512 is a mismatch")
    func sha512OnlyWhenNamed() throws {
        let body = Data("{\"hello\": \"world\"}\n".utf8)
        let sha256 = "sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:"
        let sha512 = "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"
        #expect(!ContentDigest.namesSHA512(sha256))
        #expect(ContentDigest.namesSHA512(sha512))
        #expect(ContentDigest.namesSHA512("SHA-512=:AAAA:, sha-256=:AAAA:"))
        #expect(!ContentDigest.namesSHA512("sha-512=abc"))
        try ContentDigest.verify(sha512, body: body)
        #expect {
            try ContentDigest.verify(sha512, sha256: Data(SHA256.hash(data: body)), sha512: nil)
        } throws: { ($0 as? KetenpoortError)?.code.rawValue == "transport.digest-mismatch" }
    }

    @Test("a body hashed already is checked with its SHA-256 as given, and with SHA-512 when the field names it")
    func bodyWithItsSHA256() throws {
        let body = Data("{\"hello\": \"world\"}\n".utf8)
        let sha256 = Data(SHA256.hash(data: body))
        try ContentDigest.verify("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", body: body, sha256: sha256)
        #expect {
            try ContentDigest.verify("sha-256=:RK/0qy18MlBSVnWgjwz6lZEWjP/lF5HF9bvEF8FabDg=:", body: body, sha256: Data(count: 32))
        } throws: { ($0 as? KetenpoortError)?.code.rawValue == "transport.digest-mismatch" }
        let sha512 = "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:"
        try ContentDigest.verify(sha512, body: body, sha256: sha256)
        #expect {
            try ContentDigest.verify(sha512, body: Data("other".utf8), sha256: sha256)
        } throws: { ($0 as? KetenpoortError)?.code.rawValue == "transport.digest-mismatch" }
    }

    @Test(
        "Content-Digest that is malformed, unsupported or wrong is refused",
        arguments: [
            ("", "transport.digest-malformed"), ("sha-256=abc", "transport.digest-malformed"),
            ("sha-256=:not base64!:", "transport.digest-malformed"),
            ("md5=:AAAA:", "transport.digest-malformed"), ("sha-256=:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=:", "transport.digest-mismatch"),
        ])
    func badDigest(field: String, code: String) {
        #expect {
            try ContentDigest.verify(field, body: Data("x".utf8))
        } throws: { ($0 as? KetenpoortError)?.code.rawValue == code }
    }

    @Test("the §8 fields: content type, idempotency key, digest, signature, traceparent")
    func fields() throws {
        let body = Data("<a/>".utf8)
        var generator = SeededGenerator(state: 9)
        let trace = TraceParent.random(using: &generator)
        let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "b-1", body: body, signature: "hdr..sig", traceParent: trace)
        #expect(headers.fields.map(\.name) == ["Content-Type", "Idempotency-Key", "Content-Digest", "Ketenpoort-Signature", "traceparent"])
        #expect(headers.fields.map(\.value) == ["application/xml", "b-1", ContentDigest.field(for: body), "hdr..sig", trace.description])
        let unsigned = try DeliveryHeaders(contentType: "text/csv", batchID: "b-1", body: body, signature: nil)
        #expect(!unsigned.fields.contains { $0.name == "Ketenpoort-Signature" })
    }

    @Test(
        "batch ids that could inject a header line or a path are refused",
        arguments: ["", "a b", "a\r\nX: y", "../x", ".hidden", "a/b", String(repeating: "x", count: 129)])
    func badBatchID(id: String) {
        #expect(throws: KetenpoortError(.transportHeaderInvalid, "")) {
            try DeliveryHeaders(contentType: "application/xml", batchID: BatchID(id), body: Data(), signature: nil)
        }
    }

    @Test("traceparent: an all-zero draw is not an id (W3C); the generator is asked again")
    func zeroDrawsRedrawn() {
        /// Zero for its first `zeros` draws, then 1, 2, 3, …
        struct ZerosFirst: RandomNumberGenerator {
            var zeros: Int
            var count: UInt64 = 0
            mutating func next() -> UInt64 {
                count += 1
                return count <= UInt64(zeros) ? 0 : count
            }
        }
        var generator = ZerosFirst(zeros: 3)
        let trace = TraceParent.random(using: &generator)
        #expect(trace.traceID.contains { $0 != "0" } && trace.spanID.contains { $0 != "0" })
        #expect(TraceParent(trace.description) == trace)
    }

    @Test("traceparent: random ids are well-formed W3C version 00 and parse back")
    func traceparent() throws {
        for _ in 0..<50 {
            let trace = TraceParent.random()
            let text = trace.description
            #expect(text.wholeMatch(of: /00-[0-9a-f]{32}-[0-9a-f]{16}-01/) != nil)
            #expect(TraceParent(text) == trace)
        }
        #expect(TraceParent("00-00000000000000000000000000000000-0000000000000001-01") == nil)
        #expect(TraceParent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01") == nil)
        #expect(TraceParent("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01") == nil)
        let parsed = try #require(TraceParent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"))
        var generator = SeededGenerator(state: 1)
        let child = parsed.child(using: &generator)
        #expect(child.traceID == parsed.traceID && child.spanID != parsed.spanID)
    }

    @Test(
        "libcurl results map to stable codes",
        arguments: [
            (CURLE_SSL_PINNEDPUBKEYNOTMATCH, "", "transport.pin-mismatch"),
            (CURLE_PEER_FAILED_VERIFICATION, "", "transport.tls"),
            (CURLE_SSL_CONNECT_ERROR, "error:0A000086:SSL routines::certificate verify failed", "transport.tls"),
            (CURLE_SSL_CONNECT_ERROR, "OpenSSL SSL_connect: Connection reset by peer in connection to 127.0.0.1:1", "transport.broken"),
            (CURLE_RECV_ERROR, "OpenSSL SSL_read: error:0A00045C:SSL routines::tlsv13 alert certificate required, errno 0", "transport.tls"),
            (CURLE_RECV_ERROR, "Recv failure: Connection reset by peer", "transport.broken"),
            (CURLE_OPERATION_TIMEDOUT, "", "transport.timeout"),
            (CURLE_COULDNT_CONNECT, "", "transport.connect"),
            (CURLE_GOT_NOTHING, "", "transport.broken"),
            (CURLE_SSL_CERTPROBLEM, "", "transport.configuration"),
            (CURLE_ABORTED_BY_CALLBACK, "", "transport.cancelled"),
            (CURLE_OUT_OF_MEMORY, "", "transport.failed"),
        ])
    func curlCodes(code: CURLcode, message: String, expected: String) {
        #expect(CurlFailure.error(for: code, message: message, host: "127.0.0.1").code.rawValue == expected)
    }
}
