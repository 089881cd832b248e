import Foundation
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Testing

@testable import HTTPClient

/// The HTTPS inbox's receipts are signed by the gateway (docs/sealed-batch.md §7): a partner that
/// delivered over mutual TLS keeps the answer and proves with it, using the partners' verifier,
/// what the gateway accepted, from whom, with which counts, when.
@Suite("Signed inbox receipts")
struct SignedReceiptTests {
    /// A receipt as the partner keeps it: the body and the response's header fields.
    struct Kept {
        let body: URL
        let headers: URL
    }

    static func keep(_ response: HTTPResponse, as name: String, in fixture: StatusAPIFixture) throws -> Kept {
        Kept(
            body: try fixture.directory.write("\(name).json", Array(response.body)),
            headers: try fixture.directory.write("\(name).headers", "HTTP/1.1 \(response.status)\n" + SealVerifier.headerLines(response.headers)))
    }

    static func verify(_ kept: Kept, _ fixture: StatusAPIFixture, payload: URL? = nil, partner: String? = nil) async throws -> SealVerifier.Output {
        let configuration = fixture.runtime.configuration
        var arguments = [
            "receipt", "--receipt", kept.body.path, "--headers", kept.headers.path, "--ca", fixture.directory.file("var/pki/ca.pem").path,
            "--gateway", configuration.identity.oin.value,
        ]
        if let payload { arguments += ["--payload", payload.path] }
        if let partner { arguments += ["--partner", try #require(configuration.registry.party(id: partner)).party.oin.value] }
        return try await SealVerifier.verify(arguments)
    }

    @Test(
        "a COA snapshot's receipt verifies against the file and COA's OIN; the 409 repeats it byte for byte; a rejected DUO file's receipt verifies too"
    )
    func verified() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let response = try await GatewayInboxTests.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(response.status == 201, "\(response.text)")
            let kept = try Self.keep(response, as: "receipt", in: fixture)
            let output = try await Self.verify(kept, fixture, payload: snapshot, partner: "coa")
            #expect(output.status == 0, "\(output)")
            #expect(
                output.stdout.contains(
                    "outcome:   applied: items \(response.json["items"] as? Int ?? -1), accepted \(response.json["accepted"] as? Int ?? -1)"),
                "\(output)"
            )

            let again = try await GatewayInboxTests.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(again.status == 409)
            #expect(again.body == response.body)
            #expect(again.header("Ketenpoort-Signature") == response.header("Ketenpoort-Signature"))

            let rejected = try await GatewayInboxTests.deliver(
                fixture, contract: "duo-status-extract", file: Repository.fixture("duo-bad-control-total.dat"), name: "duo-inburgering-20261124.dat",
                key: "duo-bad", as: "duo")
            #expect(rejected.status == 422)
            let refusal = try await Self.verify(
                try Self.keep(rejected, as: "rejected", in: fixture), fixture, payload: Repository.fixture("duo-bad-control-total.dat"),
                partner: "duo")
            #expect(refusal.status == 0, "\(refusal)")
            #expect(refusal.stdout.contains("outcome:   rejected"), "\(refusal)")
        }
    }

    @Test("a changed count, another receipt's signature, a receipt signed by the partner itself, another file or another partner: each fails")
    func tampered() async throws {
        try await StatusAPIFixture.run { fixture in
            let snapshot = Repository.sample("coa", "tvs-export-20261122.csv")
            let response = try await GatewayInboxTests.deliver(fixture, contract: "coa-tvs-export", file: snapshot, key: "coa-20261122", as: "coa")
            #expect(response.status == 201, "\(response.text)")
            let other = try await GatewayInboxTests.deliver(
                fixture, contract: "duo-status-extract", file: Repository.fixture("duo-bad-control-total.dat"), name: "duo-inburgering-20261124.dat",
                key: "duo-bad", as: "duo")
            let kept = try Self.keep(response, as: "receipt", in: fixture)
            #expect(try await Self.verify(kept, fixture, payload: snapshot, partner: "coa").status == 0)

            let accepted = try #require(response.json["accepted"] as? Int)
            let inflated = String(decoding: response.body, as: UTF8.self).replacingOccurrences(
                of: "\"accepted\":\(accepted),", with: "\"accepted\":\(accepted + 1),")
            #expect(inflated != response.text)
            // What the partner itself could sign: the same header, by its own (valid, same-CA) key.
            let pki = fixture.directory.file("var/pki")
            let coa = try SigningIdentity(
                certificateFile: DevPKI.certificateFile(for: "coa", in: pki), keyFile: DevPKI.privateKeyFile(for: "coa", in: pki))
            let oin = try #require(coa.oin)
            let receivedAt = try #require(response.json["receivedAt"] as? String)
            let issuedAt = try #require(ISO8601DateFormatter().date(from: receivedAt))
            let header = ReceiptHeader(
                receipt: Data(inflated.utf8), contract: "coa-tvs-export", idempotencyKey: "coa-20261122", sender: oin, partner: oin,
                payloadSHA256: try #require(response.json["sha256"] as? String), outcome: "applied",
                items: try #require(response.json["items"] as? Int),
                accepted: accepted + 1, quarantined: try #require(response.json["quarantined"] as? Int),
                rejected: try #require(response.json["rejected"] as? Int),
                issuedAt: issuedAt)
            let forged = try ReceiptSignature.sign(receipt: Data(inflated.utf8), header: header, signer: coa)
            func headers(signature: String?) -> String {
                "Content-Type: application/json\n" + (signature.map { "Ketenpoort-Signature: \($0)\n" } ?? "")
            }
            let cases: [(String, body: String, headers: String, partner: String, payload: URL, step: String)] = [
                ("a count changed", inflated, headers(signature: response.header("Ketenpoort-Signature")), "coa", snapshot, "§7.2 step 2 signature"),
                (
                    "another receipt's signature", response.text, headers(signature: other.header("Ketenpoort-Signature")), "coa", snapshot,
                    "§7.2 step 2 signature"
                ),
                ("signed by the partner", inflated, headers(signature: forged), "coa", snapshot, "§7.2 step 2 sender"),
                ("no signature", response.text, headers(signature: nil), "coa", snapshot, "§7.2 input"),
                (
                    "another file", response.text, headers(signature: response.header("Ketenpoort-Signature")), "coa",
                    Repository.sample("coa", "tvs-export-20261121.csv"), "§7.2 step 5 delivered file"
                ),
                (
                    "another partner", response.text, headers(signature: response.header("Ketenpoort-Signature")), "duo", snapshot,
                    "§7.2 step 5 partner"
                ),
            ]
            for (name, body, fields, partner, payload, step) in cases {
                let copy = Kept(
                    body: try fixture.directory.write("tampered.json", body), headers: try fixture.directory.write("tampered.headers", fields))
                let output = try await Self.verify(copy, fixture, payload: payload, partner: partner)
                #expect(output.status == 1, "\(name): \(output)")
                #expect(output.stdout.hasPrefix("INVALID — \(step)"), "\(name): \(output)")
            }
        }
    }
}
