import Foundation
import KetenpoortCore
import Testing

@testable import HTTPClient
@testable import KetenpoortTesting

/// The benchmarks' load generator connects as a delivery does (our certificate, the trust store,
/// the peer checks), so what it measures is answered, not refused.
@Suite("Load generator")
struct LoadGeneratorTests {
    @Test("its requests reach the server over mutual TLS (its first, before the clock starts, is stored)")
    func answered() async throws {
        try await Receiver.with { receiver in
            let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "load-1", body: sampleXML, signature: "e30..c2ln").fields
            let result = try await OwnThread.run {
                LoadGenerator.run(
                    urls: [receiver.url()], headers: headers, bodies: [sampleXML], tls: TrustedAndForeignPKI.shared.client(), connections: 1,
                    rate: nil,
                    duration: .milliseconds(200), timeout: .seconds(300))
            }
            #expect(result.requests > 0)
            // One batch id: stored once (the repeats are answered 409); a connection refused in the
            // handshake would store nothing.
            #expect(!receiver.storedFiles().isEmpty)
        }
    }

    @Test("an open loop asks each request due before its end, and its rate is over that window, not over its connections' last sleep")
    func openLoopRate() async throws {
        try await Receiver.with { receiver in
            let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "load-2", body: sampleXML, signature: "e30..c2ln").fields
            // One connection, one request every 10 s for 10 s: one request, due at the start.
            let result = try await OwnThread.run {
                LoadGenerator.run(
                    urls: [receiver.url()], headers: headers, bodies: [sampleXML], tls: TrustedAndForeignPKI.shared.client(), connections: 1,
                    rate: 0.1, duration: .seconds(10), timeout: .seconds(300))
            }
            #expect(result.requests == 1)
            // The time is the window, or until the answer when that came later (a machine busy enough
            // to take 12 s for one answer did): not until the connection woke for its next due time,
            // past the end (which read 0.1/s as less).
            let answered = (result.latencies.first ?? 0) / 1000
            #expect(abs(result.seconds - max(10, answered)) < 1e-6)
            #expect(abs(result.rate - 1 / max(10, answered)) < 1e-9)
        }
    }
}
