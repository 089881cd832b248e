import Foundation
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Testing

/// Inbound client certificates (issue 13 §2): only an end-entity certificate made for TLS client
/// authentication gets through the handshake, even from the trusted CA with the IND's OIN.
@Suite("Client certificates: clientAuth, digitalSignature, no CA")
struct ClientCertificateUsageTests {
    static var question: [String: Any] { StatusAPIFixture.single(StatusAPIFixture.persons[4].bsn) }

    @Test(
        "a dev-CA certificate with the IND's OIN is refused at the handshake when it is not a client certificate; the IND's own is answered",
        arguments: [
            (DevPKI.Variant.serverAuthOnly, "the extended key usage lacks clientAuth"),
            (DevPKI.Variant.certificateAuthority, "a CA certificate (CA:TRUE) is not a client certificate"),
            (DevPKI.Variant.withoutDigitalSignature, "the key usage lacks digitalSignature"),
        ])
    func refused(variant: DevPKI.Variant, reason: String) async throws {
        try await StatusAPIFixture.run { fixture in
            let pki = fixture.directory.file("var/pki")
            let ind = try #require(try fixture.runtime.configuration.devIdentities().first { $0.id == "ind" })
            try DevPKI.issue(variant, for: ind, as: "ind-variant", in: pki)
            let certificate = try #require(try PEMFiles.loadCertificates(DevPKI.certificateFile(for: "ind-variant", in: pki)).first)
            #expect(ClientCertificateUsage.refusal(certificate) == reason)
            let refused = await #expect(throws: KetenpoortError.self) { try await fixture.post("/statusvragen", Self.question, as: "ind-variant") }
            #expect(refused?.code == .transportTLS)
            let lines = fixture.log.all
            // A key whose certificate lacks digitalSignature cannot even sign the handshake (the TLS
            // stack refuses that before the gateway's check runs); the others are refused by the check.
            if variant != .withoutDigitalSignature {
                #expect(lines.contains { $0.contains("client certificate refused") && $0.contains(reason) && $0.contains(ind.oin.value) })
            }
            #expect(!lines.joined().contains(StatusAPIFixture.persons[4].bsn))
            let answered = try await fixture.post("/statusvragen", Self.question, as: "ind")
            #expect(answered.status == 200)
        }
    }

    @Test("the dev PKI issues client certificates the gateway accepts: end entity, digitalSignature, clientAuth")
    func devPKIIssuesClientCertificates() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        try DevPKI.initialize(directory: directory.url, parties: DevParties.identities, now: Date())
        for identity in DevParties.identities {
            let certificate = try #require(try PEMFiles.loadCertificates(DevPKI.certificateFile(for: identity.id, in: directory.url)).first)
            #expect(ClientCertificateUsage.refusal(certificate) == nil, "\(identity.id)")
        }
    }
}
