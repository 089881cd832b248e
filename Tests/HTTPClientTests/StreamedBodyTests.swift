import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Testing

@testable import HTTPClient

@Suite("Streamed request bodies over mutual TLS")
struct StreamedBodyTests {
    /// 3 MiB and a bit, in parts of uneven sizes, each byte depending on its position.
    static let parts: [Data] = [1 << 20, 1, 777_777, 1 << 20, 300_001].enumerated().map { index, size in
        Data((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ index &* 13) })
    }
    static var whole: Data { parts.reduce(Data(), +) }

    @Test("a body read part by part arrives byte for byte, with a digest taken over the parts")
    func arrivesWhole() async throws {
        try await Receiver.with { receiver in
            let parts = Self.parts
            var digest = SHA256()
            for part in parts { digest.update(data: part) }
            let headers = try DeliveryHeaders(
                contentType: "application/xml", batchID: "streamed-1", contentDigest: ContentDigest.field(sha256: digest.finalize()), signature: nil)
            let body = StreamedBody(length: Self.whole.count) { index in index < parts.count ? parts[index] : nil }
            let response = try await receiver.client.post(
                url: receiver.url(party: "gm0363"), headers: headers.fields, body: body, tls: TrustedAndForeignPKI.shared.client(),
                timeout: .seconds(300))
            #expect(response.status == 201)
            #expect(try Data(contentsOf: receiver.inbox.appendingPathComponent("gm0363/streamed-1.xml")) == Self.whole)
        }
    }

    @Test("a part that cannot be read fails the transfer with transport.body-unreadable, which is retried; nothing is stored")
    func unreadablePart() async throws {
        try await Receiver.with { receiver in
            let parts = Self.parts
            let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "streamed-2", body: Self.whole, signature: nil)
            let body = StreamedBody(length: Self.whole.count) { index in
                if index == 2 { throw KetenpoortError("store.unavailable", "the store is gone") }
                return index < parts.count ? parts[index] : nil
            }
            let error = await #expect(throws: KetenpoortError.self) {
                try await receiver.client.post(
                    url: receiver.url(party: "gm0363"), headers: headers.fields, body: body, tls: TrustedAndForeignPKI.shared.client(),
                    timeout: .seconds(300))
            }
            #expect(error?.code == .transportBodyUnreadable)
            #expect(DeliveryVerdict(error: try #require(error)) == .retryable)
            #expect(!FileManager.default.fileExists(atPath: receiver.inbox.appendingPathComponent("gm0363/streamed-2.xml").path))
        }
    }
}
