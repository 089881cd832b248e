import Foundation
import KetenpoortTesting
import Sealing
import Testing

/// A generic API fuzzer (schemathesis, PyPI, pinned in tools/requirements-schemathesis.txt) against
/// the live status API over mutual TLS with the IND's dev certificate: every check of the tool, a
/// bounded number of examples per operation, and 0 failures. Its hooks (tools/schemathesis_hooks.py)
/// only teach it to make BSNs that pass the 11-test, which JSON Schema cannot say.
@Suite("IND status API: schemathesis")
struct SchemathesisTests {
    @Test("schemathesis finds no failure in the OpenAPI document's promises, and reaches answers about known and unknown persons")
    func fuzz() async throws {
        try await StatusAPIFixture.run { fixture in
            let schemathesis = try await PythonTool.executable("schemathesis", of: "schemathesis")
            let pki = fixture.directory.file("var/pki")
            let events = fixture.directory.file("schemathesis.ndjson")
            let run = try await PythonTool.run(
                schemathesis,
                [
                    "run", Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json").path, "--url", fixture.url("").absoluteString,
                    "--request-cert", DevPKI.certificateFile(for: "ind", in: pki).path, "--request-cert-key",
                    DevPKI.privateKeyFile(for: "ind", in: pki).path,
                    "--tls-verify", DevPKI.caCertificateFile(in: pki).path,
                    "--checks", "all", "--max-examples", "30", "--seed", "20261123", "--workers", "2", "--request-timeout",
                    "\(Int(TestTimeout.answer.components.seconds))",
                    // `--checks all` includes a response-time limit, 10 s unless given: a test never fails on how long an answer took.
                    "--max-response-time", "\(Int(TestTimeout.answer.components.seconds))",
                    "--report", "ndjson", "--report-ndjson-path", events.path, "--no-color",
                ],
                // In the fixture's directory: schemathesis keeps a cache of earlier failures in `.schemathesis/`.
                in: fixture.directory.url,
                environment: [
                    "SCHEMATHESIS_HOOKS": Repository.root.appendingPathComponent("tools/schemathesis_hooks.py").path,
                    "SCHEMATHESIS_BSNS": StatusAPIFixture.persons.map(\.bsn).joined(separator: ","),
                    "HYPOTHESIS_STORAGE_DIRECTORY": fixture.directory.file("hypothesis").path,
                ])
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("No issues found"), "\(run.stdout)")
            // Answers were reached for each question operation, about persons the store holds too.
            let answers = try Self.answers(events)
            for path in ["/statusvragen", "/statusvragen/bulk"] {
                #expect(
                    answers.filter { $0.path == path && $0.status == 200 }.count >= 5, "\(path): \(answers.filter { $0.path == path }.map(\.status))")
            }
            #expect(answers.contains { $0.status == 200 && $0.body.contains("\"status\":") }, "no answer about a person DUO knows")
            #expect(
                answers.contains {
                    $0.status == 200 && $0.body.hasPrefix("{\"bron\":\"DUO\",\"inburgeringsplichtig\":false,\"peildatum\":\"2026-11-23\"}")
                }, "no answer about an unknown person")
            for path in ["/statusvragen", "/statusvragen/bulk", "/openapi.json"] {
                #expect(answers.contains { $0.path == path && $0.status == 405 }, "\(path): unsupported methods were not tried")
            }
        }
    }

    /// The responses schemathesis recorded: path (below the base path), status and body.
    static func answers(_ events: URL) throws -> [(path: String, status: Int, body: String)] {
        var found: [(path: String, status: Int, body: String)] = []
        let text = try String(contentsOf: events, encoding: .utf8)
        for line in text.split(separator: "\n") {
            guard let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            Self.collect(event, into: &found)
        }
        return found
    }

    /// Walks an event for the recorded interactions: `{"request": {"method", "uri", …}, "response": {"status_code", "content": {"$base64"}, …}}`.
    private static func collect(_ value: Any, into found: inout [(path: String, status: Int, body: String)]) {
        if let object = value as? [String: Any] {
            if let request = object["request"] as? [String: Any], let uri = request["uri"] as? String,
                let response = object["response"] as? [String: Any],
                let status = response["status_code"] as? Int
            {
                let path = URL(string: uri)?.path.replacingOccurrences(of: "/api/inburgering/v1", with: "") ?? uri
                let content = (response["content"] as? [String: Any])?["$base64"] as? String
                let body = content.flatMap { Data(base64Encoded: $0) }.map { String(decoding: $0, as: UTF8.self) } ?? ""
                found.append((path, status, body))
                return
            }
            for child in object.values { collect(child, into: &found) }
        } else if let array = value as? [Any] {
            for child in array { collect(child, into: &found) }
        }
    }
}
