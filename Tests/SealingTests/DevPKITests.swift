import Foundation
import KetenpoortCore
import KetenpoortTesting
import SwiftASN1
import Testing
import X509

@testable import Sealing

@Suite("Dev PKI")
struct DevPKITests {
    func mode(_ url: URL) throws -> Int {
        try #require(FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? Int)
    }

    @Test("creates a CA and per identity a key and a certificate chain, keys mode 0600")
    func files() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let names = try FileManager.default.contentsOfDirectory(atPath: pki.directory.url.path).sorted()
        #expect(names == ["ca-key.pem", "ca.pem", "gateway-key.pem", "gateway.pem", "gm0363-key.pem", "gm0363.pem", "pseudonym.key"])
        #expect(try mode(pki.directory.file("pseudonym.key")) == 0o600)
        #expect(try Data(contentsOf: pki.directory.file("pseudonym.key")).count == 32)
        for key in ["ca-key.pem", "gateway-key.pem", "gm0363-key.pem"] {
            #expect(try mode(pki.directory.file(key)) == 0o600, "\(key)")
            let text = try String(contentsOf: pki.directory.file(key), encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN PRIVATE KEY-----"), "PKCS#8 expected in \(key)")
        }
        #expect(pki.report.created.count == 7)
        #expect(pki.report.kept.isEmpty)
        let chain = try PEMFiles.loadCertificates(pki.directory.file("gm0363.pem"))
        #expect(chain.count == 2)
        #expect(chain[1] == (try pki.ca))
    }

    @Test("the CA is a self-signed P-256 CA with keyCertSign and cRLSign")
    func authority() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let ca = try pki.ca
        #expect(ca.subject == ca.issuer)
        #expect(ca.subjectAttribute(.NameAttributes.commonName) == "ketenpoort dev CA")
        #expect(ca.subjectAttribute(.NameAttributes.organizationName) == "ketenpoort dev")
        #expect(try ca.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(ca.extensions[oid: .X509ExtensionID.basicConstraints]?.critical == true)
        let usage = try #require(try ca.extensions.keyUsage)
        #expect(usage.keyCertSign && usage.cRLSign && !usage.digitalSignature)
        #expect(ca.publicKey.isValidSignature(ca.signature, for: ca))
    }

    @Test("an identity's certificate carries the OIN in serialNumber, the name in O, the id in CN, and fits TLS on loopback")
    func identity() async throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let certificate = try pki.signer("gm0363").certificate
        #expect(certificate.oin == TestPKI.amsterdam.oin)
        #expect(certificate.subjectAttribute(.NameAttributes.organizationName) == "Gemeente Amsterdam")
        #expect(certificate.subjectAttribute(.NameAttributes.commonName) == "gm0363")
        let attributes = certificate.subject.flatMap { Array($0) }
        let serial = attributes.first { $0.type == .NameAttributes.serialNumber }
        #expect(serial?.value == (try RelativeDistinguishedName.Attribute.Value(printableString: "00000001100003630000")))
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try certificate.extensions.keyUsage?.digitalSignature == true)
        #expect(try certificate.extensions.extendedKeyUsage == (try ExtendedKeyUsage([.serverAuth, .clientAuth])))
        let names = try #require(try certificate.extensions.subjectAlternativeNames)
        #expect(Array(names) == [.dnsName("localhost"), .dnsName("gm0363.localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
        #expect(certificate.notValidBefore == TestPKI.now - 86_400)
        #expect(certificate.notValidAfter == TestPKI.now + 2 * 365 * 86_400)
        // The pin is over the whole SubjectPublicKeyInfo DER, as openssl and libcurl compute it.
        let pin = try certificate.publicKeyPin()
        #expect(pin.hasPrefix("sha256//"))
        let directory = try TempDirectory()
        defer { directory.remove() }
        let pem = try directory.write("leaf.pem", Data(try PEMFiles.pem([certificate]).utf8))
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/bin/sh")
        openssl.arguments = [
            "-c", "openssl x509 -in '\(pem.path)' -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64",
        ]
        let output = Pipe()
        openssl.standardOutput = output
        try openssl.run()
        openssl.waitUntilExit()
        let expected = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(
            in: .whitespacesAndNewlines)
        #expect(pin == "sha256//" + expected)
        let chain = try await CertificateTrust.validate(leaf: certificate, roots: [try pki.ca], at: TestPKI.now)
        #expect(chain.count == 2)
    }

    @Test("a second run keeps every file; force re-issues them all")
    func idempotent() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let directory = pki.directory.url
        let before = try Data(contentsOf: pki.directory.file("gateway-key.pem"))
        let again = try DevPKI.initialize(directory: directory, parties: [TestPKI.gateway, TestPKI.amsterdam], now: TestPKI.now + 3600)
        #expect(again.created.isEmpty)
        #expect(again.kept.count == 7)
        #expect(try Data(contentsOf: pki.directory.file("gateway-key.pem")) == before)

        let forced = try DevPKI.initialize(directory: directory, parties: [TestPKI.gateway, TestPKI.amsterdam], now: TestPKI.now, force: true)
        #expect(forced.created.count == 6)
        #expect(forced.kept == [DevPKI.pseudonymKeyFile(in: directory)], "the pseudonym secret outlives a re-issue")
        #expect(try Data(contentsOf: pki.directory.file("gateway-key.pem")) != before)
        #expect(try mode(pki.directory.file("gateway-key.pem")) == 0o600)
    }

    @Test("a new party is added without touching the others; a new CA re-issues everyone")
    func incremental() throws {
        let pki = try TestPKI(parties: [TestPKI.gateway])
        defer { pki.remove() }
        let directory = pki.directory.url
        let report = try DevPKI.initialize(directory: directory, parties: [TestPKI.gateway, TestPKI.amsterdam], now: TestPKI.now)
        #expect(Set(report.created.map(\.lastPathComponent)) == ["gm0363.pem", "gm0363-key.pem"])

        try FileManager.default.removeItem(at: pki.directory.file("ca-key.pem"))
        let renewed = try DevPKI.initialize(directory: directory, parties: [TestPKI.gateway, TestPKI.amsterdam], now: TestPKI.now)
        #expect(renewed.created.count == 6)
        let ca = try pki.ca
        let leaf = try pki.signer("gateway").certificate
        #expect(ca.publicKey.isValidSignature(leaf.signature, for: leaf))
    }

    @Test("an expired certificate or a changed OIN is re-issued")
    func stale() throws {
        let pki = try TestPKI()
        defer { pki.remove() }
        let moved = try DevPKI.Identity(id: "gm0363", oin: OIN("00000001999999990000")!, organisation: "Gemeente Amsterdam")
        let report = try DevPKI.initialize(directory: pki.directory.url, parties: [TestPKI.gateway, moved], now: TestPKI.now)
        #expect(Set(report.created.map(\.lastPathComponent)) == ["gm0363.pem", "gm0363-key.pem"])
        #expect(try pki.signer("gm0363").oin == moved.oin)

        let later = try DevPKI.initialize(directory: pki.directory.url, parties: [TestPKI.gateway, moved], now: TestPKI.now + 3 * 365 * 86_400)
        #expect(Set(later.created.map(\.lastPathComponent)) == ["gateway.pem", "gateway-key.pem", "gm0363.pem", "gm0363-key.pem"])
    }

    @Test("identity ids must be file-name safe and unique", arguments: ["", "ca", "Gateway", "../x", "a/b", "gm0363-key"])
    func badIdentity(id: String) {
        #expect(throws: KetenpoortError(.sealingIdentityInvalid, "")) {
            try DevPKI.Identity(id: id, oin: OIN("00000001234567890000")!, organisation: "x")
        }
    }

    @Test("duplicate identity ids are refused")
    func duplicates() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        #expect(throws: KetenpoortError(.sealingIdentityInvalid, "")) {
            try DevPKI.initialize(directory: directory.url, parties: [TestPKI.gateway, TestPKI.gateway], now: TestPKI.now)
        }
    }

    @Test("the built-in party list has distinct ids and OINs, the gateway first")
    func devParties() {
        let identities = DevParties.identities
        #expect(identities.first?.id == "gateway")
        #expect(identities.first?.oin.value == "00000001234567890000")
        #expect(Set(identities.map(\.id)).count == identities.count)
        #expect(Set(identities.map(\.oin)).count == identities.count)
        #expect(
            Set(identities.map(\.id)).isSuperset(of: [
                "coa", "duo", "ind", "cbs", "argonaut", "gm0363", "gm0344", "gm0599", "gm0518", "gm0014", "gm0772",
            ]))
        #expect(DevParties.parties.filter { $0.role == .gemeente }.allSatisfy { $0.gemeente?.value.lowercased() == $0.id })
    }

    @Test("PEM loading refuses what is not a certificate or a P-256 key")
    func badPEM() throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let junk = try directory.write("junk.pem", Data("hello".utf8))
        #expect(throws: KetenpoortError(.sealingPEMUnreadable, "")) { try PEMFiles.loadCertificates(junk) }
        #expect(throws: KetenpoortError(.sealingPEMUnreadable, "")) { try PEMFiles.loadPrivateKey(junk) }
        #expect(throws: KetenpoortError(.sealingPEMUnreadable, "")) { try PEMFiles.loadCertificates(directory.file("missing.pem")) }
    }
}
