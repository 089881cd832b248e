import Crypto
import Foundation
import GatewayHTTP
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import Testing

@testable import HTTPClient

/// The gateway's HTTPS inbox over mutual TLS: files delivered with the headers of formats.md §8
/// are processed as on the command line and answered with a receipt of the validation counts.
@Suite("HTTPS inbox")
struct GatewayInboxTests {
    static func deliver(
        _ fixture: StatusAPIFixture, contract: String, file: URL, name: String? = nil, key: String, as party: String,
        digest: String? = nil, signedBy signer: String? = nil
    ) async throws -> HTTPResponse {
        let body = try Data(contentsOf: file)
        var headers: [(name: String, value: String)] = [
            ("Content-Type", "application/octet-stream"), ("Idempotency-Key", key), ("Content-Digest", digest ?? ContentDigest.field(for: body)),
            ("Content-Disposition", "attachment; filename=\"\(name ?? file.lastPathComponent)\""),
        ]
        if let signer {
            let pki = fixture.directory.file("var/pki")
            let identity = try SigningIdentity(
                certificateFile: DevPKI.certificateFile(for: signer, in: pki), keyFile: DevPKI.privateKeyFile(for: signer, in: pki))
            let sealed = try BatchSealer(signer: identity).seal(
                payload: body, recordHashes: [Data(SHA256.hash(data: body))], batch: BatchID(key),
                recipient: fixture.runtime.configuration.identity.oin,
                contract: contract, contractVersion: "1.0.0", issuedAt: Date())
            headers.append(("Ketenpoort-Signature", sealed.jws.compact))
        }
        let request = CurlRequest(
            url: URL(string: "https://127.0.0.1:\(fixture.port)/api/inbox/v1/\(contract)")!, headers: headers, body: body,
            tls: fixture.tls(as: party), timeout: TestTimeout.answer, connectTimeout: TestTimeout.answer)
        return try await fixture.client.perform(request)
    }

    @Test("a COA snapshot delivered by COA is synced, answered with the validation counts, and the same key again answers 409")
    func coaSnapshot() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let response = try await Self.deliver(
                fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa", signedBy: "coa")
            #expect(response.status == 201, "\(response.text)")
            let receipt = response.json
            let validated = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", "--json", snapshot.path])
            let expected = try #require(try JSONSerialization.jsonObject(with: Data(validated.stdout.utf8)) as? [String: Any])
            #expect(receipt["accepted"] as? Int == expected["accepted"] as? Int)
            #expect(receipt["quarantined"] as? Int == expected["quarantined"] as? Int)
            #expect(receipt["outcome"] as? String == "applied")
            #expect(try await fixture.runtime.store.read { try $0.lastSnapshot(source: "coa") }?.date == CalendarDate(year: 2026, month: 11, day: 22))
            #expect(!(try await fixture.runtime.store.read { try $0.batches(status: nil) }).isEmpty, "the sync sealed batches")
            let again = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(again.status == 409)
            #expect(again.json as NSDictionary == receipt as NSDictionary)
            let reused = try await Self.deliver(
                fixture, contract: "coa-tvs-export", file: Repository.sample("coa", "tvs-export-20261121.csv"), name: "tvs-export-20261123.csv",
                key: "coa-20261122", as: "coa")
            #expect(reused.status == 422)
            #expect(reused.json["code"] as? String == "inbox.idempotency-key-reused")
        }
    }

    @Test(
        "the receipt is in the store: a node without the first one's folder answers the same key 409 with the first receipt and its signature"
    )
    func receiptAcrossNodes() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let first = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(first.status == 201, "\(first.text)")
            // Another node on the same store has none of this node's files.
            try FileManager.default.removeItem(at: fixture.runtime.inboxDirectory)
            let again = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(again.status == 409, "\(again.text)")
            #expect(again.body == first.body)
            #expect(again.header("Ketenpoort-Signature") == first.header("Ketenpoort-Signature"))
            let reused = try await Self.deliver(
                fixture, contract: "coa-tvs-export", file: Repository.sample("coa", "tvs-export-20261121.csv"), name: "tvs-export-20261123.csv",
                key: "coa-20261122", as: "coa")
            #expect(reused.status == 422)
            #expect(reused.json["code"] as? String == "inbox.idempotency-key-reused")
            let recorded = try await fixture.runtime.store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "coa-20261122") }
            #expect(recorded?.body == first.body)
        }
    }

    @Test("a receipt an earlier version kept as a file in the node's folder still answers its key 409, signed, and nothing is taken in")
    func receiptFileOfAnEarlierVersion() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let folder = fixture.runtime.inboxDirectory.appendingPathComponent("coa-tvs-export")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let kept = GatewayInboxReceipt(
                contract: "coa-tvs-export", file: snapshot.lastPathComponent, idempotencyKey: "coa-20261122",
                sha256: Hex.encode(SHA256.hash(data: try Data(contentsOf: snapshot))), receivedAt: "2026-11-22T01:00:00Z", outcome: "applied",
                items: 24, accepted: 24, quarantined: 0, rejected: 0)
            let body = try JSONEncoder().encode(kept)
            try body.write(to: folder.appendingPathComponent("coa-20261122.receipt.json"))
            let again = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(again.status == 409, "\(again.text)")
            #expect(again.body == body)
            #expect(again.header("Ketenpoort-Signature") != nil, "signed now, for the partner asking again")
            #expect(try await fixture.runtime.store.read { try $0.lastSnapshot(source: "coa") } == nil)
        }
    }

    @Test("while another node takes a file in under the same key, the inbox answers 503 with Retry-After and takes nothing in")
    func keyHeldByAnotherNode() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let name = "inbox:coa-tvs-export:coa-20261122"
            // Held for a day: however slow the machine, it has not run out when the file arrives.
            let other = try #require(try await fixture.runtime.store.write { try $0.acquireLease(name, holder: "node-b/1/ab12cd34", for: 86_400) })
            let busy = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(busy.status == 503, "\(busy.text)")
            #expect(busy.json["code"] as? String == "inbox.in-progress")
            #expect((1...60).contains(Int(busy.header("Retry-After") ?? "") ?? 0), "\(busy.header("Retry-After") ?? "none")")
            #expect(try await fixture.runtime.store.read { try $0.lastSnapshot(source: "coa") } == nil)
            #expect(try await fixture.runtime.store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "coa-20261122") } == nil)
            // The other node is done (or its lease ran out): the file is taken in here.
            try await fixture.runtime.store.write { try $0.releaseLease(other) }
            let taken = try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(taken.status == 201, "\(taken.text)")
        }
    }

    @Test("a DUO extract from DUO is applied; a rejected one answers 422 and leaves the store as it was")
    func duoExtract() async throws {
        try await StatusAPIFixture.run { fixture in
            let rejected = try await Self.deliver(
                fixture, contract: "duo-status-extract", file: Repository.fixture("duo-bad-control-total.dat"), name: "duo-inburgering-20261124.dat",
                key: "duo-bad", as: "duo")
            #expect(rejected.status == 422, "\(rejected.text)")
            #expect(rejected.json["outcome"] as? String == "rejected")
            #expect(try await fixture.runtime.store.duoStatus.read { try $0.duoStatusCount() } == StatusAPIFixture.persons.count)
            #expect(try await fixture.runtime.store.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 42)
            let next = fixture.directory.file("duo-inburgering-20261124.dat")
            try StatusAPIFixture.writeExtract(to: next, next: true)
            let applied = try await Self.deliver(fixture, contract: "duo-status-extract", file: next, key: "duo-43", as: "duo", signedBy: "duo")
            #expect(applied.status == 201, "\(applied.text)")
            #expect(applied.json["outcome"] as? String == "applied")
            #expect(applied.json["accepted"] as? Int == StatusAPIFixture.persons.count)
            #expect(try await fixture.runtime.store.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 43)
            let answer = try await fixture.post("/statusvragen", StatusAPITests.single(StatusAPIFixture.persons[0].bsn))
            #expect(answer.json["status"] as? String == "voldaan" && answer.json["peildatum"] as? String == "2026-11-24")
        }
    }

    @Test("Argonaut's advices and DUO's consent feed are taken in through the inbox by their producers")
    func adviceAndConsent() async throws {
        try await StatusAPIFixture.run { fixture in
            let advices = Repository.sample("argonaut", "argonaut-advies-20261122.jsonl")
            let advice = try await Self.deliver(fixture, contract: "argonaut-advies", file: advices, key: "arg-1", as: "argonaut")
            #expect(advice.status == 201, "\(advice.text)")
            #expect(advice.json["outcome"] as? String == "applied")
            #expect((advice.json["accepted"] as? Int ?? 0) > 0)
            let consents = try #require(
                try FileManager.default.contentsOfDirectory(atPath: Repository.root.appendingPathComponent("adapters/toestemming/samples").path).first
                {
                    $0.hasSuffix(".jsonl")
                })
            let consent = try await Self.deliver(
                fixture, contract: "toestemming", file: Repository.sample("toestemming", consents), key: "tst-1", as: "duo")
            #expect(consent.status == 201, "\(consent.text)")
            let wrong = try await Self.deliver(fixture, contract: "argonaut-advies", file: advices, key: "arg-2", as: "duo")
            #expect(wrong.status == 403)
            for text in [advice.text, consent.text] { #expect(!text.contains("ontheffing") && !text.contains("bsn")) }
        }
    }

    @Test("a Content-Digest of sha-512 alone is checked with SHA-512: a wrong one is refused, the right one accepted")
    func sha512Digest() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            func field(_ body: Data) -> String { "sha-512=:" + Data(SHA512.hash(data: body)).base64EncodedString() + ":" }
            let wrong = try await Self.deliver(
                fixture, contract: "coa-tvs-export", file: snapshot, key: "k1", as: "coa", digest: field(Data("x".utf8)))
            #expect(wrong.status == 400)
            #expect(wrong.json["code"] as? String == "transport.digest-mismatch")
            let right = try await Self.deliver(
                fixture, contract: "coa-tvs-export", file: snapshot, key: "k2", as: "coa", digest: field(try Data(contentsOf: snapshot)))
            #expect(right.status == 201, "\(right.text)")
        }
    }

    @Test("the wrong sender, a wrong digest, a foreign signature, a bad file name and a BSN in the key or file name are refused")
    func refusals() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let cases: [(HTTPResponse, Int, String)] = [
                (try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "k1", as: "duo"), 403, "caller.role-not-allowed"),
                (
                    try await Self.deliver(
                        fixture, contract: "coa-tvs-export", file: snapshot, key: "k2", as: "coa", digest: ContentDigest.field(for: Data("x".utf8))),
                    400,
                    "transport.digest-mismatch"
                ),
                (
                    try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "k3", as: "coa", signedBy: "duo"), 400,
                    "inbox.signature-mismatch"
                ),
                (
                    try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, name: "snapshot.csv", key: "k4", as: "coa"), 400,
                    "inbox.filename-invalid"
                ),
                (
                    try await Self.deliver(fixture, contract: "gemeente-kennisgeving", file: snapshot, key: "k5", as: "coa"), 404,
                    "inbox.contract-unknown"
                ),
                (
                    try await Self.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-123456782", as: "coa"), 400,
                    "inbox.bsn-in-header"
                ),
                (
                    try await Self.deliver(
                        fixture, contract: "toestemming", file: Repository.sample("toestemming", "toestemming-20261122.jsonl"),
                        name: "282295215.jsonl",
                        key: "k6", as: "duo"), 400, "inbox.bsn-in-header"
                ),
            ]
            for (response, status, code) in cases {
                #expect(response.status == status, "\(code): \(response.text)")
                #expect(response.json["code"] as? String == code)
                #expect(!response.text.contains("123456782") && !response.text.contains("282295215"))
            }
            #expect(try await fixture.runtime.store.read { try $0.lastSnapshot(source: "coa") } == nil, "nothing was synced")
        }
    }
}
