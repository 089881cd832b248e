import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// One BSN rule on every entry point (formats.md: eight digits are a BSN whose leading zero was
/// dropped; it is put back, then the 11-test): the COA file, the consent feed and the IND's API
/// give the same answer for the same number.
@Suite("One BSN rule on every entry point")
struct BSNRuleTests {
    /// 012345672 passes the 11-test; so does 002345675, but seven digits are no BSN.
    static let (nine, eight, seven) = ("012345672", "12345672", "2345675")

    @Test("the COA file: eight digits get their leading zero back, seven are refused")
    func coaFile() throws {
        let rows: [[String: String]] = [
            ["BSN": Self.eight, "VNUMMER": "1000000001"], ["BSN": Self.seven, "VNUMMER": "1000000002"],
            ["BSN": " 22232369 ", "VNUMMER": "1000000003"],
        ]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            var seen: [(bsn: String?, isClean: Bool)] = []
            let report = try ValidationPipelineTests.pipeline("coa-tvs-export").run(file) { record, isClean in
                seen.append((record["bsn"].text, isClean))
            }
            #expect(seen.map(\.isClean) == [true, false, true], "\(report.findings)")
            #expect(seen[0].bsn == Self.nine && seen[2].bsn == "022232369")
            #expect(report.findings.map { "\($0.position.number):\($0.field ?? ""):\($0.rule)" } == ["3:bsn:field.bsn"])
        }
    }

    @Test("the consent feed (JSON lines): eight digits get their leading zero back, seven are refused")
    func consentFeed() throws {
        let line =
            #"{"toestemmingId":"T-1","bsn":"BSN","doel":"medisch-advies","ontvanger":"DUO","gegevenOp":"2026-11-19T10:02:00+01:00","kanaal":"digitaal","geldigTot":null,"ingetrokkenOp":null}"#
        try TempDirectory.with { directory in
            let file = try directory.write(
                "toestemming-20261122.jsonl",
                line.replacingOccurrences(of: "BSN", with: Self.eight) + "\n"
                    + line.replacingOccurrences(of: "BSN", with: Self.seven).replacingOccurrences(of: "T-1", with: "T-2") + "\n")
            var seen: [(bsn: String?, isClean: Bool)] = []
            let report = try ValidationPipelineTests.pipeline("toestemming").run(file) { record, isClean in seen.append((record["bsn"].text, isClean))
            }
            #expect(seen.map(\.isClean) == [true, false], "\(report.findings)")
            #expect(seen[0].bsn == Self.nine)
        }
    }

    @Test("the IND's API: eight digits answer, and are logged, as the nine-digit BSN; seven are refused")
    func statusAPI() async throws {
        try await StatusAPIFixture.run { fixture in
            #expect(StatusAPIFixture.persons.contains { $0.bsn == Self.nine })
            let full = try await fixture.post("/statusvragen", StatusAPITests.single(Self.nine))
            let short = try await fixture.post("/statusvragen", StatusAPITests.single(Self.eight))
            #expect(full.status == 200 && short.status == 200, "\(short.text)")
            #expect(short.json["status"] as? String == "voldaan")
            #expect(short.json as NSDictionary == full.json as NSDictionary)
            let bulk = try await fixture.post("/statusvragen/bulk", StatusAPITests.question.merging(["bsns": [Self.eight, Self.nine]]) { $1 })
            #expect((bulk.json["antwoorden"] as? [[String: Any]])?.map { $0["status"] as? String } == ["voldaan", "voldaan"])
            let subject = try fixture.runtime.subjectPseudonym().of(PersonKey(value: "b:" + Self.nine))
            #expect(try await fixture.runtime.store.processingLog.processings(subject: subject).count == 3)
            for bsn in [Self.seven, "0" + Self.eight + "0", "1" + Self.eight] {
                let refused = try await fixture.post("/statusvragen", StatusAPITests.single(bsn))
                #expect(refused.status == 400 && refused.json["code"] as? String == "request.bsn-invalid", "\(bsn.count) digits")
            }
        }
    }
}
