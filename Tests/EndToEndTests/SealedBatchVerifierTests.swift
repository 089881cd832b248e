import Crypto
import Exchanges
import Foundation
import HTTPClient
import KetenpoortCore
import Sealing
import Store
import Testing

/// docs/sealed-batch.md against reality: the partners' verifier, written from the document alone,
/// checks batches the gateway really delivered over mutual TLS, as the dev receiver stored them.
@Suite("Sealed batches through the partners' verifier", .serialized)
struct SealedBatchVerifierTests {
    /// A delivered batch as its recipient stored it.
    struct Delivered {
        let party: String
        let key: String
        let payload: URL
        let headers: URL
    }

    /// The batches the receiver stored, each with its `.headers` file.
    static func delivered(_ fixture: DeliveryFixture) throws -> [Delivered] {
        try fixture.receivedFiles().map { path in
            let party = String(path.prefix { $0 != "/" })
            let file = fixture.received.appendingPathComponent(path)
            let key = file.deletingPathExtension().lastPathComponent
            return Delivered(
                party: party, key: key, payload: file, headers: file.deletingLastPathComponent().appendingPathComponent("\(key).headers"))
        }
    }

    static func arguments(_ batch: Delivered, _ fixture: DeliveryFixture, recipient: String? = nil, ca: URL? = nil) throws -> [String] {
        let configuration = fixture.runtime.configuration
        let oin = try #require(configuration.registry.party(id: recipient ?? batch.party)).party.oin.value
        return [
            "batch", "--payload", batch.payload.path, "--headers", batch.headers.path, "--ca", (ca ?? fixture.directory.file("var/pki/ca.pem")).path,
            "--gateway", configuration.identity.oin.value, "--recipient", oin,
        ]
    }

    @Test("every kind of delivered batch verifies: notifications (XML, two nights), the CBS CSV and its manifest, a DUO advice (JSON lines)")
    func everyKind() async throws {
        let (fixture, runtime) = try await CbsDeliveryTests.start()
        defer { fixture.stop() }
        let nights = try ["tvs-export-20261121.csv", "tvs-export-20261122.csv"].map { try fixture.sync($0) }
        _ = try runtime.cbsLevering().deliver(period: CbsPeriod("2026Q3")!)
        let consent = ConsentLine(id: "T-A", bsn: Subjects.bsns[0], purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 19))
        _ = try fixture.ingestConsent([consent], runtime: runtime)
        let advice = try fixture.ingestAdvice([Advice.line("ARG-2026-000001", Subjects.bsns[0], marker: "MARKER-ADVICE-A")], runtime: runtime)
        #expect(advice.release.released == ["ARG-2026-000001"])
        let round = try await fixture.deliver(runtime)
        #expect(round.deadLettered.isEmpty)

        let batches = try Self.delivered(fixture)
        #expect(batches.count == nights.map(\.batches.count).reduce(0, +) + 3)
        var kinds: Set<String> = []
        for batch in batches {
            let output = try await SealVerifier.verify(try Self.arguments(batch, fixture))
            #expect(output.status == 0, "\(batch.party)/\(batch.key): \(output)")
            #expect(output.stdout.hasPrefix("batch \(batch.key): valid"), "\(output)")
            kinds.insert(batch.payload.pathExtension)
        }
        #expect(kinds == ["xml", "csv", "json", "jsonl"])
        // Withdrawals were among the notifications verified.
        let notifications = try batches.filter { $0.payload.pathExtension == "xml" }.map { try String(contentsOf: $0.payload, encoding: .utf8) }
        #expect(notifications.contains { $0.contains("soort=\"intrekking\"") })
    }

    @Test("a tampered or foreign batch fails, at the step of docs/sealed-batch.md §6 that catches it")
    func tampered() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        _ = try fixture.sync("tvs-export-20261121.csv")
        _ = try await fixture.deliver(fixture.runtime)
        let batches = try Self.delivered(fixture)
        // The batch of the most records (more than one, so their order can matter), and another.
        let sizes = try await fixture.runtime.store.read { tx in try batches.map { try #require(try tx.batch(id: BatchID($0.key))).recordCount } }
        let largest = try #require(sizes.indices.max { sizes[$0] < sizes[$1] })
        #expect(sizes[largest] > 1)
        let original = batches[largest]
        let other = try #require(batches.first { $0.party != original.party })
        let stored = try await #require(try fixture.runtime.store.read { try $0.storedBatch(id: BatchID(original.key)) })
        let payload = try Data(contentsOf: original.payload)
        let headers = try String(contentsOf: original.headers, encoding: .utf8)
        #expect(payload == stored.payload)
        #expect(try await SealVerifier.verify(try Self.arguments(original, fixture)).status == 0)

        let pki = fixture.directory.file("var/pki")
        let gateway = try fixture.runtime.signingIdentity()
        let gm0344 = try SigningIdentity(
            certificateFile: DevPKI.certificateFile(for: "gm0344", in: pki), keyFile: DevPKI.privateKeyFile(for: "gm0344", in: pki))
        let recipient = try #require(fixture.runtime.configuration.registry.party(id: original.party)).party.oin
        /// A seal over the original payload by `signer` with `hashes` as the record hashes.
        func resealed(by signer: SigningIdentity, hashes: [Data]) throws -> String {
            try BatchSealer(signer: signer).seal(
                payload: payload, recordHashes: hashes, batch: BatchID(original.key), recipient: recipient, contract: stored.contract,
                contractVersion: "1.0.0",
                issuedAt: stored.createdAt
            ).jws.compact
        }
        func replacing(_ name: String, with value: String, in text: String) -> String {
            text.split(separator: "\n").map { $0.hasPrefix(name + ":") ? "\(name): \(value)" : String($0) }.joined(separator: "\n") + "\n"
        }
        func field(_ name: String, of text: String) throws -> String {
            let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + ":") })
            return String(line.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces)
        }
        var changed = payload
        let at = try #require(changed.range(of: Data("<Geslachtsnaam>".utf8))).upperBound
        changed[at] ^= 0x20  // one letter's case
        let hashes = try stored.recordHashes.map { try #require(Hex.decode($0)) }

        let cases: [(String, payload: Data, headers: String, step: String)] = [
            ("one byte of a record changed", changed, headers, "§6 step 1 digest"),
            (
                "changed, Content-Digest made to match", changed, replacing("Content-Digest", with: ContentDigest.field(for: changed), in: headers),
                "§6 step 6 signature"
            ),
            (
                "another batch's seal", payload,
                replacing(
                    "Ketenpoort-Signature", with: try field("Ketenpoort-Signature", of: String(contentsOf: other.headers, encoding: .utf8)),
                    in: headers), "§6 step 6 signature"
            ),
            (
                "sealed by a municipality of the same CA", payload,
                replacing("Ketenpoort-Signature", with: try resealed(by: gm0344, hashes: hashes), in: headers), "§6 step 7 sender"
            ),
            (
                "sealed by the gateway, a record hash left out", payload,
                replacing("Ketenpoort-Signature", with: try resealed(by: gateway, hashes: Array(hashes.dropLast())), in: headers),
                "§6 step 10 records"
            ),
            (
                "sealed by the gateway, record hashes in another order", payload,
                replacing("Ketenpoort-Signature", with: try resealed(by: gateway, hashes: Array(hashes.reversed())), in: headers),
                "§6 step 11 merkle root"
            ),
            (
                "sealed by the gateway over the records' lines", payload,
                replacing(
                    "Ketenpoort-Signature", with: try resealed(by: gateway, hashes: Self.lineHashes(payload, count: hashes.count)), in: headers),
                "§6 step 11 merkle root"
            ),
        ]
        for (name, body, fields, step) in cases {
            let copy = SealedBatchVerifierTests.Delivered(
                party: original.party, key: original.key, payload: try fixture.directory.write("tampered.xml", Array(body)),
                headers: try fixture.directory.write("tampered.headers", fields))
            let output = try await SealVerifier.verify(try Self.arguments(copy, fixture))
            #expect(output.status == 1, "\(name): \(output)")
            #expect(output.stdout.hasPrefix("INVALID — \(step)"), "\(name): \(output)")
        }
        // The right batch for the wrong recipient, and a CA the recipient does not trust.
        let wrongRecipient = try await SealVerifier.verify(try Self.arguments(original, fixture, recipient: other.party))
        #expect(wrongRecipient.status == 1 && wrongRecipient.stdout.hasPrefix("INVALID — §6 step 8 recipient"), "\(wrongRecipient)")
        let strangers = fixture.directory.file("strangers")
        _ = try DevPKI.initialize(
            directory: strangers,
            parties: [try DevPKI.Identity(id: "gateway", oin: fixture.runtime.configuration.identity.oin, organisation: "Ketenpoort")],
            now: Date())
        let untrusted = try await SealVerifier.verify(try Self.arguments(original, fixture, ca: DevPKI.caCertificateFile(in: strangers)))
        #expect(untrusted.status == 1 && untrusted.stdout.hasPrefix("INVALID — §6 step 4 certificate chain"), "\(untrusted)")
    }

    /// The hashes of the payload's first `count` lines after the prologue: what a record hash would
    /// be if records were lines, not `Kennisgeving` elements.
    static func lineHashes(_ payload: Data, count: Int) -> [Data] {
        payload.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropFirst(2).prefix(count).map {
            Data(SHA256.hash(data: $0 + [10]))
        }
    }
}
