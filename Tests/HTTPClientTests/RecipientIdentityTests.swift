import CCurl
import Foundation
import GatewayHTTP
import KetenpoortCore
import KetenpoortTesting
import NIOSSL
import Sealing
import Testing

@testable import HTTPClient

/// The recipient's certificate is checked in the TLS handshake, before a byte of the request leaves:
/// a SAN naming the host (never the CN), the recipient's OIN, and ECDHE with AEAD only.
@Suite("The recipient's identity, checked in the handshake")
struct RecipientIdentityTests {
    let pki = TrustedAndForeignPKI.shared

    @Test("another party's valid certificate (same CA, SAN right) is refused: transport.recipient-oin, no request reaches it")
    func wrongOIN() async throws {
        try await Receiver.with(serverIdentity: "gm0344") { receiver in
            let code = await transportErrorCode { try await receiver.deliver(sampleXML, tls: pki.client(expecting: "gm0363")) }
            #expect(code == "transport.recipient-oin")
            #expect(DeliveryVerdict(error: KetenpoortError(.transportRecipientOIN, "")) == .permanentFailure)
            #expect(receiver.requests.withLock { $0 } == 0)
            #expect(receiver.storedFiles().isEmpty)
            // The same endpoint, expected as the party it is: delivered.
            let right = try await receiver.deliver(sampleXML, party: "gm0344", tls: pki.client(expecting: "gm0344"))
            #expect(right.status == 201)
        }
    }

    @Test("a connection verified for one OIN is not reused for another at the same host and port")
    func noReuseAcrossParties() async throws {
        try await Receiver.with { receiver in
            let client = CurlClient(threadCount: 1, logger: quietLogger)  // one thread: every transfer on the same worker
            func post(batch: BatchID, expecting party: String) async -> String? {
                await transportErrorCode {
                    let headers = try DeliveryHeaders(contentType: "application/xml", batchID: batch, body: sampleXML, signature: nil).fields
                    return try await client.post(
                        url: receiver.url(), headers: headers, body: sampleXML, tls: pki.client(expecting: party), timeout: TestTimeout.answer)
                }
            }
            #expect(await post(batch: "b1", expecting: "gm0363") == nil)
            #expect(await post(batch: "b2", expecting: "gm0344") == "transport.recipient-oin")
            #expect(await post(batch: "b3", expecting: "gm0363") == nil)
            #expect(await post(batch: "b4", expecting: "gm0344") == "transport.recipient-oin")
            #expect(receiver.requests.withLock { $0 } == 2)
            await client.shutdown()
        }
    }

    @Test("a certificate without a SAN is refused even when its CN is the host (RFC 9525: no CN fallback)")
    func noSubjectAlternativeName() async throws {
        try await Receiver.with(serverIdentity: "gm0363-no-san") { receiver in
            for tls in [pki.client(), pki.client(expecting: "gm0363")] {
                // Asked for by the name its CN carries: only a CN fallback would accept it.
                let code = await transportErrorCode { try await receiver.deliver(sampleXML, tls: tls, host: DevPKI.hostName(for: "gm0363")) }
                #expect(code == "transport.tls")
            }
            #expect(receiver.requests.withLock { $0 } == 0)
        }
    }

    @Test("one receiver serves every party as itself by the name asked for (SNI <id>.localhost); a name the certificate lacks is refused")
    func receiverPerPartyName() async throws {
        try await Receiver.with(partyCertificates: pki.trusted) { receiver in
            for party in ["gm0363", "gm0344"] {
                let response = try await receiver.deliver(
                    sampleXML, party: party, tls: pki.client(expecting: party), host: DevPKI.hostName(for: party))
                #expect(response.status == 201)
            }
            let swapped = await transportErrorCode {
                try await receiver.deliver(
                    sampleXML, party: "gm0363", batch: "batch-2", tls: pki.client(expecting: "gm0363"), host: DevPKI.hostName(for: "gm0344"))
            }
            #expect(swapped == "transport.recipient-oin")
            // Unknown to the PKI: the default certificate, which does not name that host.
            let unknown = await transportErrorCode {
                try await receiver.deliver(sampleXML, party: "gm0599", tls: pki.client(), host: DevPKI.hostName(for: "gm0599"))
            }
            #expect(unknown == "transport.tls")
            #expect(receiver.requests.withLock { $0 } == 2)
        }
    }

    @Test("a receiver offering only RSA key exchange (no forward secrecy) is refused at the handshake")
    func rsaKeyExchangeOnly() async throws {
        let client = CurlClient(threadCount: 1, logger: quietLogger)
        let server = try await OpenSSLServer.start(ciphers: "AES256-GCM-SHA384", party: TrustedAndForeignPKI.identity("gm0363"), pki: pki.trusted)
        let code = await transportErrorCode {
            try await client.post(
                url: URL(string: "https://127.0.0.1:\(server.port)/inbox/gm0363")!, headers: [], body: sampleXML,
                tls: pki.client(expecting: "gm0363"),
                timeout: TestTimeout.answer)
        }
        await server.stop()
        #expect(code == "transport.tls")
        // The same server with an ECDHE suite answers: the refusal above was the key exchange.
        let control = try await OpenSSLServer.start(
            ciphers: "ECDHE-RSA-AES256-GCM-SHA384", party: TrustedAndForeignPKI.identity("gm0363"), pki: pki.trusted)
        let answered: Result<HTTPResponse, any Error>
        do {
            answered = .success(
                try await client.get(
                    url: URL(string: "https://127.0.0.1:\(control.port)/")!, tls: pki.client(expecting: "gm0363"), timeout: TestTimeout.answer))
        } catch {
            answered = .failure(error)
        }
        await control.stop()
        await client.shutdown()
        #expect(try answered.get().status == 200)
    }

    @Test("outbound TLS 1.2 offers ECDHE with AEAD only: the same suites the servers accept")
    func outboundSuites() {
        let options = CurlRequest(
            url: URL(string: "https://127.0.0.1/")!, headers: [], body: Data(), tls: pki.client(), timeout: .seconds(1), connectTimeout: .seconds(1)
        ).options
        let list = ForwardSecretSuites.openSSLCipherList
        #expect(options.contains(.string(CURLOPT_SSL_CIPHER_LIST, list)))
        #expect(list.split(separator: ":").allSatisfy { $0.hasPrefix("ECDHE-") && ($0.contains("-GCM-") || $0.contains("CHACHA20-POLY1305")) })
    }

    @Test("the servers' suites are the same table as libcurl's: each IANA code point is the suite its OpenSSL name says")
    func serverSuites() {
        let expected: [NIOTLSCipher] = [
            .TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            .TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, .TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, .TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
        ]
        #expect(ServerTLS.forwardSecretSuites == expected)
        #expect(
            ForwardSecretSuites.all.map(\.openSSL) == [
                "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305",
                "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-CHACHA20-POLY1305",
            ])
    }
}
