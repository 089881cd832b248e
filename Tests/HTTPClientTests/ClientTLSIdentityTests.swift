import Foundation
import KetenpoortCore
import Sealing
import Testing

@testable import HTTPClient

/// Our certificate, key and trust store are read once per file set (not by libcurl for every
/// connection), yet a misconfiguration is still refused before anything is sent, and a renewed
/// certificate is used without a restart.
@Suite("The client's TLS material")
struct ClientTLSIdentityTests {
    /// A copy of the gateway's files in a folder of their own, to change them during a test.
    private static func ownFiles(certificateFrom pki: URL, keyOf keyParty: String = "gateway") throws -> (TLSClientSettings, URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("client-identity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try install(certificateFrom: pki, keyOf: keyParty, into: folder)
        let settings = TLSClientSettings(
            clientCertificate: folder.appendingPathComponent("client.pem"), clientKey: folder.appendingPathComponent("client-key.pem"),
            trustedCA: DevPKI.caCertificateFile(in: TrustedAndForeignPKI.shared.trusted))
        return (settings, folder)
    }

    /// Writes the gateway's certificate from `pki` and `keyParty`'s key from `pki` as the client's files (replacing them).
    private static func install(certificateFrom pki: URL, keyOf keyParty: String, into folder: URL) throws {
        for (source, target) in [
            (DevPKI.certificateFile(for: "gateway", in: pki), "client.pem"), (DevPKI.privateKeyFile(for: keyParty, in: pki), "client-key.pem"),
        ] {
            let destination = folder.appendingPathComponent(target)
            try? FileManager.default.removeItem(at: destination)
            try FileManager.default.copyItem(at: source, to: destination)
        }
    }

    @Test("a key that is not the certificate's is a configuration error naming the file, and nothing is sent")
    func mismatchedKey() async throws {
        try await Receiver.with { receiver in
            let (settings, folder) = try Self.ownFiles(certificateFrom: TrustedAndForeignPKI.shared.trusted, keyOf: "gm0363")
            defer { try? FileManager.default.removeItem(at: folder) }
            var failure: KetenpoortError?
            do {
                _ = try await receiver.deliver(sampleXML, tls: settings)
            } catch let error as KetenpoortError {
                failure = error
            }
            #expect(failure?.code.rawValue == "transport.configuration")
            #expect(failure?.reason.contains("does not belong to the client certificate") == true)
            #expect(failure?.reason.contains("client-key.pem") == true)
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("a certificate replaced in place is used from the next connection on, without a restart")
    func renewedInPlace() async throws {
        try await Receiver.with { receiver in
            let pki = TrustedAndForeignPKI.shared
            let (settings, folder) = try Self.ownFiles(certificateFrom: pki.foreign)
            defer { try? FileManager.default.removeItem(at: folder) }
            // Untrusted by the receiver: refused in the handshake.
            #expect(await transportErrorCode { try await receiver.deliver(sampleXML, tls: settings) } == "transport.tls")
            try Self.install(certificateFrom: pki.trusted, keyOf: "gateway", into: folder)
            #expect(await transportErrorCode { try await receiver.deliver(sampleXML, tls: settings) } == nil)
            #expect(receiver.storedFiles().count >= 1)
        }
    }

    @Test("the same files give the same parsed identity; a changed file is read again")
    func readOncePerVersion() throws {
        let (settings, folder) = try Self.ownFiles(certificateFrom: TrustedAndForeignPKI.shared.trusted)
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try ClientTLSIdentity.of(settings)
        #expect(try ClientTLSIdentity.of(settings) === first)
        try Self.install(certificateFrom: TrustedAndForeignPKI.shared.foreign, keyOf: "gateway", into: folder)
        #expect(try ClientTLSIdentity.of(settings) !== first)
    }
}
