import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@testable import GatewayHTTP
@testable import HTTPClient

/// The IND status API against the NL API Design Rules 2.1 and generic HTTP tools, over real
/// mutual TLS on loopback: one reading of a body (I-JSON), 405 with `Allow`, problem+json on every
/// 4xx/5xx, `API-Version` and the security headers on every answer.
@Suite("IND status API: NL API Design Rules")
struct APIDesignRulesTests {
    static let securityHeaders: [(String, String)] = [
        ("API-Version", "1.0.0"), ("Cache-Control", "no-store"), ("Strict-Transport-Security", "max-age=31536000"),
        ("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"), ("Content-Security-Policy", "frame-ancestors 'none'"),
    ]

    /// A question as raw JSON text, members in the order given (so a name can occur twice).
    static func body(_ members: String...) -> Data { Data(("{" + members.joined(separator: ",") + "}").utf8) }

    @Test("a member named twice in one object, at any depth or spelled with escapes, is refused before anything is looked up")
    func duplicateMembers() async throws {
        try await StatusAPIFixture.run { fixture in
            let (first, second) = (StatusAPIFixture.persons[4].bsn, StatusAPIFixture.persons[0].bsn)
            let purpose = "\"doelbinding\":\"naturalisatie\"", zaak = "\"zaaknummer\":\"IND-2026-0001234\""
            let bodies: [(path: String, body: Data)] = [
                ("/statusvragen", Self.body("\"bsn\":\"\(first)\"", purpose, zaak, "\"bsn\":\"\(second)\"")),
                ("/statusvragen", Self.body("\"bsn\":\"\(first)\"", purpose, zaak, "\"b\\u0073n\":\"\(second)\"")),
                ("/statusvragen", Self.body("\"bsn\":\"\(first)\"", purpose, "\"doelbinding\" : \"voortgezet-verblijf\"", zaak)),
                ("/statusvragen", Self.body("\"bsn\":\"\(first)\"", purpose, zaak, "\"x\":{\"a\":1,\"a\":2}")),
                ("/statusvragen/bulk", Self.body("\"bsns\":[\"\(first)\",{\"k\":[{\"z\":1,\"z\":{}}]}]", purpose, zaak)),
            ]
            for (index, item) in bodies.enumerated() {
                let response = try await fixture.send(item.path, body: item.body)
                #expect(response.status == 400, "\(index): \(response.text)")
                #expect(response.json["code"] as? String == "request.duplicate-field", "\(index): \(response.text)")
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(!response.text.contains(first) && !response.text.contains(second))
            }
            // Nobody was asked about.
            let pseudonym = try fixture.runtime.subjectPseudonym()
            for bsn in [first, second] {
                #expect(try await fixture.runtime.store.processingLog.processings(subject: pseudonym.of(PersonKey(value: "b:" + bsn))).isEmpty)
            }
            // The same name in sibling objects, or inside a string, is no duplicate.
            let siblings = try await fixture.send("/statusvragen", body: Self.body("\"bsn\":\"\(first)\"", purpose, "\"zaaknummer\":\"bsn\""))
            #expect(siblings.status == 200, "\(siblings.text)")
        }
    }

    @Test("the scan finds names twice in one object only: siblings, nesting and names inside strings are no duplicates")
    func duplicateScan() {
        func first(_ text: String) -> String? { DuplicateJSONKeys.first(in: Data(text.utf8)) }
        #expect(first(#"{"a":1,"b":2}"#) == nil)
        #expect(first(#"[{"a":1},{"a":1}]"#) == nil)
        #expect(first(#"{"a":{"a":1}}"#) == nil)
        #expect(first(#"{"a":"\"a\":1","b":"a"}"#) == nil)
        #expect(first(#"{"a":1,"b":{"c":2},"a":3}"#) == "a")
        #expect(first(#"{"\u00e9":1,"é":2}"#) == "é")
        #expect(first(#"{"\ud83d\ude00":1,"😀":2}"#) == "😀")
        #expect(first(#"{"e\u0301":1,"é":2}"#) == nil, "names are compared code point by code point, not normalised")
        #expect(first(#"{"a\\":1,"a\\" : 2}"#) == "a\\")
        #expect(first(#"{"a":1,"a""#) == nil, "cut-off input: the parser reports it")
    }

    @Test("a known path asked with another method answers 405 with Allow, as problem+json; an unknown path 404")
    func methodNotAllowed() async throws {
        try await StatusAPIFixture.run { fixture in
            let paths: [(path: String, allow: String)] = [
                ("/api/inburgering/v1/statusvragen", "POST"), ("/api/inburgering/v1/statusvragen/bulk", "POST"),
                ("/api/inburgering/v1/openapi.json", "GET"), ("/api/inbox/v1/coa-tvs-export", "POST"), ("/metrics", "GET"),
            ]
            for (path, allow) in paths {
                for method in ["GET", "POST", "PUT", "DELETE", "PATCH", "TRACE", "OPTIONS"] where method != allow {
                    let response = try await fixture.send(path, method: method, rooted: true, body: Data("{}".utf8))
                    #expect(response.status == 405, "\(method) \(path): \(response.status) \(response.text)")
                    #expect(response.header("Allow") == allow, "\(method) \(path)")
                    #expect(response.json["code"] as? String == "request.method-not-allowed", "\(method) \(path)")
                    try Self.expectProblem(response, status: 405, "\(method) \(path)")
                }
            }
            let unknown = try await fixture.send("/api/inburgering/v1/statusvraag", method: "GET", rooted: true)
            #expect(unknown.status == 404 && unknown.header("Allow") == nil)
            #expect(unknown.json["code"] as? String == "request.unknown-path")
            try Self.expectProblem(unknown, status: 404, "unknown path")
        }
    }

    @Test(
        "every answer carries API-Version (the document's version) and the security headers; every 4xx/5xx is problem+json with status, title and detail"
    )
    func headersOnEveryAnswer() async throws {
        try await StatusAPIFixture.run { fixture in
            let bsn = StatusAPIFixture.persons[4].bsn
            let question = try JSONSerialization.data(withJSONObject: StatusAPIFixture.single(bsn))
            let answers: [(name: String, status: Int, response: HTTPResponse)] = [
                ("question", 200, try await fixture.send("/statusvragen", body: question)),
                (
                    "document", 200,
                    try await fixture.client.get(url: fixture.url("/openapi.json"), tls: fixture.tls(as: "ind"), timeout: TestTimeout.answer)
                ),
                ("metrics", 200, try await fixture.send("/metrics", method: "GET", rooted: true, as: "cbs")),
                ("invalid BSN", 400, try await fixture.post("/statusvragen", StatusAPIFixture.single("123456789"))),
                ("BSN in URL", 400, try await fixture.send("/statusvragen?bsn=\(bsn)", body: question)),
                ("no certificate", 401, try await fixture.send("/statusvragen", body: question, withoutCertificate: true)),
                ("no certificate, document", 401, try await fixture.send("/openapi.json", method: "GET", withoutCertificate: true)),
                ("municipality", 403, try await fixture.send("/statusvragen", body: question, as: "gm0363")),
                ("municipality, inbox", 403, try await fixture.send("/api/inbox/v1/coa-tvs-export", rooted: true, body: question, as: "gm0363")),
                ("unknown path", 404, try await fixture.send("/onbekend", body: question)),
                ("wrong method", 405, try await fixture.send("/statusvragen", method: "TRACE")),
                ("too large", 413, try await fixture.send("/statusvragen", body: Data(repeating: 32, count: 70 << 10))),
                ("wrong media type", 415, try await fixture.send("/statusvragen", body: question, headers: [("Content-Type", "text/plain")])),
            ]
            let document = try JSONSerialization.jsonObject(
                with: Data(contentsOf: Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json")))
            let version = try #require(((document as? [String: Any])?["info"] as? [String: Any])?["version"] as? String)
            #expect(version == GatewayServer.apiVersion)
            for (name, status, response) in answers {
                #expect(response.status == status, "\(name): \(response.status) \(response.text)")
                for (field, value) in Self.securityHeaders { #expect(response.header(field) == value, "\(name): \(field)") }
                if status >= 400 { try Self.expectProblem(response, status: status, name) }
            }
        }
    }

    /// An RFC 9457 problem: its media type, and status (the answer's), title and detail present.
    static func expectProblem(_ response: HTTPResponse, status: Int, _ name: String) throws {
        #expect(response.header("Content-Type") == "application/problem+json", "\(name)")
        let problem = response.json
        #expect(problem["status"] as? Int == status, "\(name): \(response.text)")
        #expect((problem["title"] as? String)?.isEmpty == false, "\(name)")
        #expect((problem["detail"] as? String)?.isEmpty == false, "\(name)")
        #expect((problem["code"] as? String)?.isEmpty == false, "\(name)")
    }
}
