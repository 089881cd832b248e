import CCurl
import Crypto
import Foundation
import KetenpoortCore
import NIOSSL
import Sealing
import Testing

@testable import GatewayHTTP
@testable import HTTPClient
@testable import KetenpoortTesting

@Suite("Delivery over mutual TLS on loopback")
struct MutualTLSTests {
    @Test("a mutual-TLS POST is stored with the exact bytes and answered with a receipt")
    func storesExactBytes() async throws {
        try await Receiver.with { receiver in
            let response = try await receiver.deliver(sampleXML, batch: "b-2026-11-22.gm0363.1")
            #expect(response.status == 201)
            #expect(response.header("content-type") == "application/json")
            let receipt = try JSONDecoder().decode(InboxReceipt.self, from: response.body)
            #expect(receipt.batch == "b-2026-11-22.gm0363.1")
            #expect(receipt.sha256 == Hex.encode(SHA256.hash(data: sampleXML)))
            #expect(ISO8601DateFormatter.withFractions.date(from: receipt.ontvangen) != nil)
            let stored = try Data(contentsOf: receiver.inbox.appendingPathComponent("gm0363/b-2026-11-22.gm0363.1.xml"))
            #expect(stored == sampleXML)
            #expect(receiver.storedFiles() == ["b-2026-11-22.gm0363.1.headers", "b-2026-11-22.gm0363.1.receipt.json", "b-2026-11-22.gm0363.1.xml"])
        }
    }

    @Test("the answer tells when the certificate the recipient presented expires (kept across a reused connection)")
    func peerCertificateExpiry() async throws {
        let presented = try #require(
            try PEMFiles.loadCertificates(DevPKI.certificateFile(for: "gm0363", in: TrustedAndForeignPKI.shared.trusted)).first)
        try await Receiver.with { receiver in
            for batch in ["b-expiry-1", "b-expiry-2"] {
                let response = try await receiver.deliver(sampleXML, batch: BatchID(batch))
                #expect(response.status == 201)
                #expect(response.peerCertificateNotAfter == presented.notValidAfter, "\(batch)")
            }
        }
    }

    @Test("the same Idempotency-Key again answers 409 with the first receipt and stores nothing new")
    func repeatIsConflict() async throws {
        try await Receiver.with { receiver in
            let first = try await receiver.deliver(sampleXML)
            let file = receiver.inbox.appendingPathComponent("gm0363/batch-1.xml")
            let modified = try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date
            let second = try await receiver.deliver(sampleXML)
            #expect(first.status == 201)
            #expect(second.status == 409)
            #expect(second.body == first.body)
            #expect(receiver.storedFiles() == ["batch-1.headers", "batch-1.receipt.json", "batch-1.xml"])
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.modificationDate] as? Date == modified)
            #expect(DeliveryVerdict(status: second.status) == .delivered)
        }
    }

    @Test("the same key with other bytes is refused (422), never taken for delivered")
    func reusedKeyWithOtherContent() async throws {
        try await Receiver.with { receiver in
            _ = try await receiver.deliver(sampleXML)
            let other = try await receiver.deliver(Data("<other/>".utf8))
            #expect(other.status == 422)
            #expect(DeliveryVerdict(status: other.status) == .permanentFailure)
            #expect(try Data(contentsOf: receiver.inbox.appendingPathComponent("gm0363/batch-1.xml")) == sampleXML)
        }
    }

    @Test("a client without a certificate is refused at the handshake")
    func clientWithoutCertificate() async throws {
        try await Receiver.with { receiver in
            let pki = TrustedAndForeignPKI.shared
            var request = CurlRequest(
                url: receiver.url(), headers: [], body: sampleXML, tls: pki.client(), timeout: TestTimeout.answer, connectTimeout: TestTimeout.answer)
            request.omitsClientCertificate = true
            let code = await transportErrorCode { try await receiver.client.perform(request) }
            #expect(code == "transport.tls")
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("a client certificate from another CA is refused")
    func clientFromForeignCA() async throws {
        try await Receiver.with { receiver in
            let code = await transportErrorCode {
                try await receiver.deliver(sampleXML, tls: TrustedAndForeignPKI.shared.client(certificateFrom: TrustedAndForeignPKI.shared.foreign))
            }
            #expect(code == "transport.tls")
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("a server certificate from an untrusted CA is refused by the client")
    func serverFromUntrustedCA() async throws {
        try await Receiver.with(serverPKI: TrustedAndForeignPKI.shared.foreign) { receiver in
            let code = await transportErrorCode { try await receiver.deliver(sampleXML) }
            #expect(code == "transport.tls")
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("the client trusts only the configured CA: libcurl gets no CA file or folder of its own (the store comes from ClientTLSIdentity)")
    func trustIsRestricted() {
        let settings = TrustedAndForeignPKI.shared.client(pin: "sha256//AAAA")
        let options = CurlRequest(
            url: URL(string: "https://127.0.0.1/")!, headers: [], body: Data(), tls: settings, timeout: .seconds(1), connectTimeout: .seconds(1)
        ).options
        #expect(options.contains(.null(CURLOPT_CAINFO)))
        #expect(options.contains(.null(CURLOPT_CAPATH)))
        #expect(options.contains(.long(CURLOPT_SSL_VERIFYPEER, 1)))
        #expect(options.contains(.long(CURLOPT_SSL_VERIFYHOST, 2)))
        #expect(options.contains(.long(CURLOPT_SSLVERSION, Int(CURL_SSLVERSION_TLSv1_2))))
        #expect(options.contains(.string(CURLOPT_PROTOCOLS_STR, "https")))
        #expect(options.contains(.string(CURLOPT_PINNEDPUBLICKEY, "sha256//AAAA")))
        // Our certificate and key reach the TLS context from ClientTLSIdentity, not through libcurl's file options.
        #expect(!options.contains { [CURLOPT_SSLCERT, CURLOPT_SSLKEY].contains($0.option) })
    }

    @Test("a wrong pin fails with pin-mismatch; the right one is accepted")
    func pinning() async throws {
        try await Receiver.with { receiver in
            let pki = TrustedAndForeignPKI.shared
            let wrong = try pki.pin(of: "gateway")
            let wrongCode = await transportErrorCode { try await receiver.deliver(sampleXML, tls: pki.client(pin: wrong)) }
            #expect(wrongCode == "transport.pin-mismatch")
            #expect(receiver.storedFiles().isEmpty)
            let right = try await receiver.deliver(sampleXML, tls: pki.client(pin: try pki.pin(of: "gm0363")))
            #expect(right.status == 201)
        }
    }

    @Test("a kept-alive connection is not reused for a transfer with other TLS settings")
    func noReuseAcrossSettings() async throws {
        try await Receiver.with { receiver in
            let pki = TrustedAndForeignPKI.shared
            let client = CurlClient(threadCount: 1, logger: quietLogger)  // one thread: one handle, one connection cache
            let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "b1", body: sampleXML, signature: nil).fields
            func post(_ tls: TLSClientSettings) async -> String? {
                await transportErrorCode {
                    try await client.post(url: receiver.url(), headers: headers, body: sampleXML, tls: tls, timeout: TestTimeout.answer)
                }
            }
            #expect(await post(pki.client(pin: try pki.pin(of: "gm0363"))) == nil)
            #expect(await post(pki.client(pin: try pki.pin(of: "gateway"))) == "transport.pin-mismatch")
            #expect(await post(pki.client()) == nil)
            #expect(await post(pki.client(certificateFrom: pki.foreign)) == "transport.tls")
            await client.shutdown()
        }
    }

    @Test("the server demands TLS ≥ 1.2, forward-secret suites and a client certificate from the given CA")
    func serverSettings() throws {
        let pki = TrustedAndForeignPKI.shared
        let tls = try ServerTLS.configuration(
            certificateChain: DevPKI.certificateFile(for: "gm0363", in: pki.trusted),
            privateKey: DevPKI.privateKeyFile(for: "gm0363", in: pki.trusted),
            trustedCA: DevPKI.caCertificateFile(in: pki.trusted))
        #expect(tls.minimumTLSVersion == .tlsv12)
        #expect(tls.certificateVerification == .noHostnameVerification)
        #expect(tls.cipherSuites.split(separator: ":").allSatisfy { $0.contains("_ECDHE_") && ($0.contains("_GCM_") || $0.contains("_CHACHA20_")) })
        guard case .certificates(let roots)? = tls.trustRoots else {
            Issue.record("the trust roots must be exactly the given CA")
            return
        }
        #expect(roots.count == 1)
    }

    @Test("nothing listening: transport.connect, which is retried")
    func connectionRefused() async throws {
        let port = try await Receiver.with { $0.port }
        try await Receiver.with { receiver in
            let url = URL(string: "https://127.0.0.1:\(port)/inbox/gm0363")!
            let headers = try DeliveryHeaders(contentType: "application/xml", batchID: "b1", body: sampleXML, signature: nil)
            var code: String?
            do {
                _ = try await receiver.client.post(
                    url: url, headers: headers.fields, body: sampleXML, tls: TrustedAndForeignPKI.shared.client(), timeout: TestTimeout.answer)
            } catch let error as KetenpoortError {
                code = error.code.rawValue
                #expect(DeliveryVerdict(error: error) == .retryable)
                #expect(!error.reason.contains("kennisgevingen"))
            }
            #expect(code == "transport.connect")
        }
    }

    @Test("an http URL is refused before libcurl sees it")
    func onlyHTTPS() async throws {
        let client = CurlClient(threadCount: 1, logger: quietLogger)
        let code = await transportErrorCode {
            try await client.post(
                url: URL(string: "http://127.0.0.1:1/inbox/gm0363")!, headers: [], body: sampleXML, tls: TrustedAndForeignPKI.shared.client(),
                timeout: .seconds(1)
            )
        }
        #expect(code == "transport.configuration")
        await client.shutdown()
        let afterShutdown = await transportErrorCode {
            try await client.post(
                url: URL(string: "https://127.0.0.1:1/")!, headers: [], body: Data(), tls: TrustedAndForeignPKI.shared.client(), timeout: .seconds(1))
        }
        #expect(afterShutdown == "transport.cancelled")
    }

    @Test("the pin is SHA-256 over the SubjectPublicKeyInfo DER, as openssl computes it")
    func pinMatchesOpenSSL() throws {
        let file = DevPKI.certificateFile(for: "gm0363", in: TrustedAndForeignPKI.shared.trusted)
        let shell = Process()
        shell.executableURL = URL(fileURLWithPath: "/bin/sh")
        shell.arguments = [
            "-c", "openssl x509 -in '\(file.path)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64",
        ]
        let output = Pipe()
        shell.standardOutput = output
        try shell.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        shell.waitUntilExit()
        try #require(shell.terminationStatus == 0 && !text.isEmpty, "openssl is needed for this cross-check")
        #expect(try PublicKeyPin.sha256(certificateFile: file) == "sha256//" + text)
    }
}

extension ISO8601DateFormatter {
    static var withFractions: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }
}
