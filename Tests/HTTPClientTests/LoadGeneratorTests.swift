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
            let result = await Task.detached {
                LoadGenerator.run(
                    urls: [receiver.url()], headers: headers, bodies: [sampleXML], tls: TrustedAndForeignPKI.shared.client(), connections: 1,
                    rate: nil,
                    duration: .milliseconds(200), timeout: .seconds(300))
            }.value
            #expect(result.requests > 0)
            // One batch id: stored once (the repeats are answered 409); a connection refused in the
            // handshake would store nothing.
            #expect(!receiver.storedFiles().isEmpty)
        }
    }
}
