import Exchanges
import Foundation
import GRDB
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import StoreSQLite
import Testing

@testable import GatewayHTTP
@testable import HTTPClient

/// The IND status query API over real mutual TLS on loopback (formats.md §4).
@Suite("IND status query API")
struct StatusAPITests {
    static let expected: [String: (plichtig: Bool, status: String)] = [
        "PL": (true, "plichtig"), "PB": (true, "plichtig"), "PN": (true, "plichtig"), "PV": (true, "verwijtbaar-overschreden"),
        "VD": (true, "voldaan"), "OM": (true, "ontheven"), "OI": (true, "ontheven"), "OO": (true, "ontheven"),
        "VR": (false, "vrijgesteld"), "VV": (true, "vervallen"),
    ]
    static var question: [String: Any] { StatusAPIFixture.question }

    static func single(_ bsn: String) -> [String: Any] { StatusAPIFixture.single(bsn) }

    @Test("the IND gets the right status for each status code, and 'not obliged' for a person DUO does not know")
    func everyStatusCode() async throws {
        try await StatusAPIFixture.run { fixture in
            let schema = try SchemaCheck(document: Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json"))
            for person in StatusAPIFixture.persons {
                let response = try await fixture.post("/statusvragen", Self.single(person.bsn))
                #expect(response.status == 200, "\(person.code): \(response.text)")
                let answer = response.json
                #expect(answer["inburgeringsplichtig"] as? Bool == Self.expected[person.code]!.plichtig, "\(person.code)")
                #expect(answer["status"] as? String == Self.expected[person.code]!.status, "\(person.code)")
                #expect(Set(answer.keys) == ["inburgeringsplichtig", "regime", "status", "statusdatum", "termijnEinde", "peildatum", "bron"])
                #expect(answer["peildatum"] as? String == "2026-11-23")
                #expect(answer["bron"] as? String == "DUO")
                #expect(
                    schema.problems(answer, schema.schema("StatusAntwoord")).isEmpty, "\(schema.problems(answer, schema.schema("StatusAntwoord")))")
                #expect(response.header("API-Version") == "1.0.0")
            }
            let unknown = try await fixture.post("/statusvragen", Self.single(StatusAPIFixture.unknown))
            #expect(unknown.status == 200)
            #expect(unknown.json as NSDictionary == ["inburgeringsplichtig": false, "peildatum": "2026-11-23", "bron": "DUO"] as NSDictionary)
            #expect(schema.problems(unknown.json, schema.schema("StatusAntwoord")).isEmpty)
        }
    }

    @Test("a bulk question answers in the order asked, and one entry per data subject is logged")
    func bulk() async throws {
        try await StatusAPIFixture.run { fixture in
            let asked = [StatusAPIFixture.persons[4].bsn, StatusAPIFixture.unknown, StatusAPIFixture.persons[0].bsn, StatusAPIFixture.persons[4].bsn]
            let response = try await fixture.post("/statusvragen/bulk", Self.question.merging(["bsns": asked]) { $1 })
            #expect(response.status == 200, "\(response.text)")
            let answers = try #require(response.json["antwoorden"] as? [[String: Any]])
            #expect(answers.map { $0["status"] as? String ?? "onbekend" } == ["voldaan", "onbekend", "plichtig", "voldaan"])
            let schema = try SchemaCheck(document: Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json"))
            #expect(schema.problems(response.json, schema.schema("BulkStatusAntwoord")).isEmpty)
            let pseudonym = try fixture.runtime.subjectPseudonym()
            for bsn in Set(asked) {
                let entries = try await fixture.runtime.store.processingLog.processings(subject: pseudonym.of(PersonKey(value: "b:" + bsn)))
                #expect(entries.count == 1, "one entry per data subject")
            }
            let tooMany = try await fixture.post(
                "/statusvragen/bulk", Self.question.merging(["bsns": Array(repeating: asked[0], count: 1_001)]) { $1 })
            #expect(tooMany.status == 400)
            #expect(tooMany.json["code"] as? String == "request.bulk-size")
        }
    }

    @Test("the processing log holds trace, span, activity, caller, purpose, case number, pseudonym and outcome before the answer")
    func processingLog() async throws {
        try await StatusAPIFixture.run { fixture in
            let caller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            let bsn = StatusAPIFixture.persons[4].bsn
            let response = try await fixture.post(
                "/statusvragen", Self.single(bsn), headers: [("Content-Type", "application/json"), ("traceparent", caller)])
            #expect(response.status == 200)
            let answered = try #require(response.header("traceparent").flatMap(TraceParent.init))
            #expect(answered.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
            #expect(answered.spanID != "00f067aa0ba902b7")
            let subject = try fixture.runtime.subjectPseudonym().of(PersonKey(value: "b:" + bsn))
            let entries = try await fixture.runtime.store.processingLog.processings(subject: subject)
            let entry = try #require(entries.first)
            #expect(entries.count == 1)
            #expect(entry.traceID == answered.traceID && entry.spanID == answered.spanID && entry.parentSpanID == "00f067aa0ba902b7")
            #expect(entry.activity == "ind-statusvraag" && entry.callerOIN == "00000001003214369000")
            #expect(entry.purpose == "naturalisatie" && entry.caseNumber == "IND-2026-0001234" && entry.outcome == "bekend")
            #expect(!entry.subject.contains(bsn))
        }
    }

    @Test("inzage lists every processing of one person's data — the IND's questions, DUO's status, the request itself — without the BSN")
    func inzage() async throws {
        try await StatusAPIFixture.run { fixture in
            let bsn = StatusAPIFixture.persons[4].bsn
            _ = try await fixture.post("/statusvragen", Self.single(bsn))
            _ = try await fixture.post("/statusvragen", Self.single(bsn).merging(["doelbinding": "voortgezet-verblijf"]) { $1 })
            _ = try await fixture.post("/statusvragen", Self.single(bsn), as: "gm0363")
            let result = try await CLI.runDetached(["inzage", "--json", "--config", fixture.directory.file("ketenpoort.yaml").path, bsn])
            #expect(result.status == 0, "\(result.stderr)")
            let listing = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: [[String: String]]])
            let processings = try #require(listing["verwerkingen"])
            #expect(
                processings.filter { $0["activity"] == "ind-statusvraag" }.map { $0["purpose"] ?? "" }.sorted() == [
                    "naturalisatie", "voortgezet-verblijf",
                ])
            #expect(processings.filter { $0["activity"] == "ind-statusvraag" }.allSatisfy { $0["by"]?.contains("IND") == true })
            #expect(processings.contains { $0["activity"] == "duo-statusextract" })
            #expect(processings.contains { $0["activity"] == "inzageverzoek" })
            #expect(!result.stdout.contains(bsn) && !result.stderr.contains(bsn))
            let invalid = try await CLI.runDetached(["inzage", "--config", fixture.directory.file("ketenpoort.yaml").path, "123456789"])
            #expect(invalid.status == 2)
            #expect(!invalid.stderr.contains("123456789"))
        }
    }

    @Test("inzage also lists the person's consents and every consent decision about them")
    func inzageConsent() async throws {
        try await StatusAPIFixture.run { fixture in
            _ = try fixture.runtime.consentIngest().run(file: Repository.sample("toestemming", "toestemming-20261122.jsonl"))
            _ = try fixture.runtime.adviceFlow().ingest(file: Repository.sample("argonaut", "argonaut-advies-20261122.jsonl"))
            let processings = try SubjectAccess(runtime: fixture.runtime).processings(of: BSN("282295215")!)
            #expect(processings.contains { $0.activity == "toestemming" && $0.details.contains("T-101#1") && $0.details.contains("gegeven") })
            #expect(
                processings.contains { $0.activity.hasPrefix("toestemmingsbesluit") && $0.details.hasPrefix("toegestaan: medisch-advies aan DUO") })
            #expect(!processings.map { "\($0)" }.joined().contains("282295215"))
        }
    }

    @Test("the processing log's pseudonyms outlive a renewal of every certificate and key")
    func pseudonymsOutliveRenewal() async throws {
        try await StatusAPIFixture.run { fixture in
            let bsn = StatusAPIFixture.persons[4].bsn
            #expect(try await fixture.post("/statusvragen", Self.single(bsn)).status == 200)
            let configuration = fixture.runtime.configuration
            _ = try DevPKI.initialize(
                directory: fixture.directory.file("var/pki"),
                parties: try configuration.devIdentities(),
                now: Date(), force: true)
            let renewed = try GatewayRuntime(configuration: configuration, workspaceRoot: Repository.root, clock: SyncFixture.clock)
            let subject = try renewed.subjectPseudonym().of(PersonKey(value: "b:" + bsn))
            #expect(try await renewed.store.processingLog.processings(subject: subject).count == 1)
        }
    }

    @Test("a municipality's certificate, an unknown certificate and no certificate are refused, each refusal logged without personal data")
    func refusedCallers() async throws {
        try await StatusAPIFixture.run { fixture in
            let bsn = StatusAPIFixture.persons[4].bsn
            let municipality = try await fixture.post("/statusvragen", Self.single(bsn), as: "gm0363")
            #expect(municipality.status == 403)
            #expect(municipality.json["code"] as? String == "caller.role-not-allowed")
            let anonymous = try await fixture.post("/statusvragen", Self.single(bsn), withoutCertificate: true)
            #expect(anonymous.status == 401)
            #expect(anonymous.json["code"] as? String == "caller.certificate-missing")
            await #expect(throws: KetenpoortError.self) { try await fixture.post("/statusvragen", Self.single(bsn), untrusted: true) }
            let lines = fixture.log.all
            #expect(lines.contains { $0.contains("caller refused") && $0.contains("caller.role-not-allowed") && $0.contains("gm0363") })
            #expect(lines.contains { $0.contains("caller refused") && $0.contains("caller.certificate-missing") })
            #expect(lines.contains { $0.contains("client certificate refused") })
            for bsn in StatusAPIFixture.allBSNs { #expect(!lines.joined().contains(bsn)) }
            // The municipality's attempt is an unauthorised-access incident.
            let incidents = try await fixture.runtime.store.read { try $0.incidents() }
            #expect(incidents.filter { $0.kind == .unauthorisedAccess && $0.recipient == "gm0363" }.count == 1)
            // Nothing was answered to anyone but the IND.
            let subject = try fixture.runtime.subjectPseudonym().of(PersonKey(value: "b:" + bsn))
            #expect(try await fixture.runtime.store.processingLog.processings(subject: subject).isEmpty)
        }
    }

    @Test("bad input answers problem+json with a stable code and never a BSN; a BSN in the URL is refused")
    func badInput() async throws {
        try await StatusAPIFixture.run { fixture in
            let valid = StatusAPIFixture.persons[4].bsn
            let cases: [(path: String, body: [String: Any], status: Int, code: String)] = [
                ("/statusvragen", Self.single("123456789"), 400, "request.bsn-invalid"),
                ("/statusvragen", Self.single("12345678"), 400, "request.bsn-invalid"),
                ("/statusvragen", Self.single("2345675"), 400, "request.bsn-invalid"),
                ("/statusvragen", ["bsn": valid, "zaaknummer": "Z-1"], 400, "request.doelbinding-missing"),
                ("/statusvragen", ["bsn": valid, "doelbinding": "nieuwsgierigheid", "zaaknummer": "Z-1"], 400, "request.doelbinding-invalid"),
                ("/statusvragen", ["bsn": valid, "doelbinding": "naturalisatie"], 400, "request.zaaknummer-missing"),
                ("/statusvragen", ["bsn": valid, "doelbinding": "naturalisatie", "zaaknummer": "Z-\(valid)"], 400, "request.zaaknummer-invalid"),
                ("/statusvragen", Self.single(valid).merging(["naam": "Haddad"]) { $1 }, 400, "request.unknown-field"),
                ("/statusvragen?bsn=\(valid)", Self.single(valid), 400, "request.bsn-in-url"),
                ("/statusvragen/\(valid)", Self.single(valid), 400, "request.bsn-in-url"),
                ("/onbekend", Self.single(valid), 404, "request.unknown-path"),
            ]
            let schema = try SchemaCheck(document: Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json"))
            for item in cases {
                let response = try await fixture.post(item.path, item.body)
                #expect(response.status == item.status, "\(item.code): \(response.text)")
                #expect(response.json["code"] as? String == item.code)
                #expect(response.header("Content-Type") == "application/problem+json")
                #expect(schema.problems(response.json, schema.schema("Problem")).isEmpty, "\(item.code)")
                for bsn in StatusAPIFixture.allBSNs + ["123456789", "12345678"] { #expect(!response.text.contains(bsn), "\(item.code)") }
            }
            let wrongType = try await fixture.post("/statusvragen", Self.single(valid), headers: [("Content-Type", "text/plain")])
            #expect(wrongType.status == 415)
            for line in fixture.log.all { for bsn in StatusAPIFixture.allBSNs { #expect(!line.contains(bsn)) } }
        }
    }

    @Test("/metrics gives incident and outbox counts to a registered party, and nothing about a person")
    func metrics() async throws {
        try await StatusAPIFixture.run { fixture in
            _ = try await fixture.post("/statusvragen", Self.single(StatusAPIFixture.persons[4].bsn), as: "gm0363")
            let url = URL(string: "https://127.0.0.1:\(fixture.port)/metrics")!
            let response = try await fixture.client.get(url: url, tls: fixture.tls(as: "cbs"), timeout: TestTimeout.answer)
            #expect(response.status == 200)
            #expect(response.text.contains("ketenpoort_incidents_open 1.0\n"))
            #expect(response.text.contains("ketenpoort_incidents_unassessed_48h 0.0\n"))
            #expect(response.text.contains(#"ketenpoort_outbox_dead_lettered{recipient="gm0363"} 0.0"#))
            for bsn in StatusAPIFixture.allBSNs { #expect(!response.text.contains(bsn)) }
        }
    }

    @Test("the OpenAPI document is served as kept in the repository")
    func openAPIDocument() async throws {
        try await StatusAPIFixture.run { fixture in
            let response = try await fixture.client.get(url: fixture.url("/openapi.json"), tls: fixture.tls(as: "ind"), timeout: TestTimeout.answer)
            #expect(response.status == 200)
            #expect(response.body == (try Data(contentsOf: Repository.root.appendingPathComponent("api/inburgering-v1.openapi.json"))))
        }
    }
}
