import Foundation
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Testing

/// `/metrics` of a real `ketenpoort run`: what swift-metrics recorded (Prometheus) and the store's
/// gauges, with names a scraper takes and nothing about a person in any label.
@Suite("ketenpoort run: /metrics")
struct MetricsEndpointTests {
    @Test(
        "every metric is named ketenpoort_…; the API's requests are counted per route and status; the batch floor's lifts show from the start under the idle policy; no label holds a 9-digit number"
    )
    func metricsOfARun() async throws {
        // As in production (`make test` runs the rest at nice 10): the floor, and its counter, run.
        let gateway = try RunningGateway.start(environment: ["KETENPOORT_BATCH_POLICY": "idle"])
        defer { if gateway.process.isRunning { kill(gateway.process.processIdentifier, SIGKILL) } }
        #expect(try await gateway.waitUntilLive())
        let client = CurlClient(threadCount: 1)
        // A question before any DUO extract: refused (503), and counted.
        let bsn = "123456782"
        let question = Data(#"{"bsn":"\#(bsn)","doelbinding":"naturalisatie","zaaknummer":"IND-2026-0001234"}"#.utf8)
        let asked = try await client.post(
            url: URL(string: "https://127.0.0.1:\(gateway.port)/api/inburgering/v1/statusvragen")!,
            headers: [(name: "Content-Type", value: "application/json")], body: question, tls: gateway.tls(as: "ind"), timeout: TestTimeout.answer)
        #expect(asked.status == 503)
        // A path holding a 9-digit number (not a valid BSN, so not refused as one): counted under
        // its route, never under the path asked.
        let odd = try await client.get(
            url: URL(string: "https://127.0.0.1:\(gateway.port)/api/inbox/v1/999999999")!, tls: gateway.tls(as: "ind"), timeout: TestTimeout.answer)
        #expect(odd.status == 405)
        let response = try await client.get(
            url: URL(string: "https://127.0.0.1:\(gateway.port)/metrics")!, tls: gateway.tls(as: "ind"), timeout: TestTimeout.answer)
        await client.shutdown()
        #expect(response.status == 200)
        let text = String(decoding: response.body, as: UTF8.self)
        let samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }
        let names = Set(samples.map { String($0.prefix { $0 != "{" && $0 != " " }) })
        #expect(!names.isEmpty && names.allSatisfy { $0.range(of: #"^ketenpoort_[a-z0-9_]+$"#, options: .regularExpression) != nil }, "\(names)")
        #expect(
            text.contains(#"ketenpoort_api_requests_total{route="/api/inburgering/v1/statusvragen",method="POST",status="503"} 1"#),
            "\(text)")
        #expect(names.contains("ketenpoort_api_request_duration_seconds_bucket"))
        #expect(text.contains(#"ketenpoort_outbox_pending{recipient="gm0363"} 0.0"#))
        #expect(text.contains(#"ketenpoort_outbox_oldest_pending_seconds{recipient="gm0363"} 0.0"#))
        #expect(names.contains("ketenpoort_certificate_expiry_seconds"))
        #expect(names.contains("ketenpoort_batch_floor_lifts_total"), "\(names)")
        // Label values: party ids, routes, outcomes, status codes — never a BSN or another 9-digit number.
        let labelValues = samples.flatMap { sample in
            sample.matches(of: /="([^"]*)"/).map { String($0.output.1) }
        }
        #expect(!labelValues.isEmpty && labelValues.allSatisfy { $0.range(of: #"\d{9}"#, options: .regularExpression) == nil }, "\(labelValues)")
        #expect(!text.contains(bsn))
        #expect(await gateway.stop() == 0)
    }
}
