import Foundation
import GatewayHTTP
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Testing

/// `bench-api --baseline`'s floor: the gateway's HTTPS stack with its mutual TLS, answering one
/// fixed answer.
@Suite("Baseline server: the API's stack without its work")
struct BaselineServerTests {
    @Test(
        "answers a status question with the gateway's answer to an unknown person, over the same mutual TLS, and refuses a caller without a certificate (401)"
    )
    func answersLikeTheGateway() async throws {
        try await StatusAPIFixture.run { fixture in
            let baseline = BaselineServer(listener: fixture.runtime.mutualTLSListener(host: "127.0.0.1", port: 0))
            let task = Task { try await baseline.run() }
            defer { task.cancel() }
            let port = try await baseline.boundPort()
            let unknown = StatusAPIFixture.single("999999990")
            let body = try JSONSerialization.data(withJSONObject: unknown)
            func ask(withoutCertificate: Bool) async throws -> HTTPResponse {
                var request = CurlRequest(
                    url: URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1/statusvragen")!, headers: [("Content-Type", "application/json")],
                    body: body, tls: fixture.tls(as: "ind"), timeout: TestTimeout.answer, connectTimeout: TestTimeout.answer)
                request.omitsClientCertificate = withoutCertificate
                return try await fixture.client.perform(request)
            }
            let answered = try await ask(withoutCertificate: false)
            let gateway = try await fixture.post("/statusvragen", unknown)
            #expect(answered.status == 200 && gateway.status == 200)
            #expect(Set(answered.json.keys) == Set(gateway.json.keys))
            #expect(answered.json["inburgeringsplichtig"] as? Bool == false)
            #expect(answered.headers.contains { $0.name.lowercased() == "api-version" })
            // As the gateway does: the handshake goes through, the question is not answered.
            #expect(try await ask(withoutCertificate: true).status == 401)
            task.cancel()
            _ = try? await task.value
        }
    }
}
