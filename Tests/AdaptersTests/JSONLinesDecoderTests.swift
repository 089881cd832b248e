import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

/// Argonaut's medical advice and the consent feed, read by the real JSON-lines adapters
/// (formats.md §6, §7).
@Suite("Argonaut and consent JSON lines")
struct JSONLinesDecoderTests {
    /// Decodes `url` with the adapter of `contract` and validates every item on the reference day.
    static func decodeAndValidate(_ contract: String, _ url: URL) throws -> (decoded: Decoded, findings: [[Finding]]) {
        let adapter = try Registries.inbound(contract)
        let decoded = try Decoded(adapter, url)
        let mapping = adapter.mapping.item
        let validator = ItemValidator(object: mapping.object, layouts: mapping.dateLayouts, now: ReferenceDay.now)
        let findings = decoded.items.map { raw in
            var findings: [Finding] = []
            _ = validator.validate(raw, findings: &findings)
            return findings
        }
        return (decoded, findings)
    }

    @Test("the Argonaut sample decodes into 8 clean advices")
    func argonautSample() throws {
        let (decoded, findings) = try Self.decodeAndValidate("argonaut-advies", Repository.sample("argonaut", "argonaut-advies-20261122.jsonl"))
        let object = try Registries.inbound("argonaut-advies").mapping.item.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 8)
        #expect(decoded.items.map(\.position) == (1...8).map { .line($0) })
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        #expect(findings.allSatisfy { $0.isEmpty })
        let first = try #require(decoded.items.first)
        #expect(first.text("adviesId", in: object) == "ARG-2026-000101")
        #expect(first.text("uitkomst", in: object) == "ontheffing-geadviseerd")
        #expect(first.text("bsn", in: object)?.count == 9)
        #expect(first.text("toelichting", in: object)?.isEmpty == false)
    }

    @Test("the consent sample decodes into 8 clean consents")
    func consentSample() throws {
        let (decoded, findings) = try Self.decodeAndValidate("toestemming", Repository.sample("toestemming", "toestemming-20261122.jsonl"))
        let object = try Registries.inbound("toestemming").mapping.item.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 8)
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        #expect(findings.allSatisfy { $0.isEmpty })
        // JSON null is no value.
        #expect(decoded.items[0].text("geldigTot", in: object) == nil)
        #expect(decoded.items[0].text("ingetrokkenOp", in: object) == nil)
        #expect(decoded.items[0].text("gegevenOp", in: object) == "2026-10-28T09:14:00+01:00")
        // The last line supersedes T-102 with a withdrawal.
        #expect(decoded.items[7].text("toestemmingId", in: object) == "T-102")
        #expect(decoded.items[7].text("ingetrokkenOp", in: object) == "2026-11-15T08:55:00+01:00")
        #expect(decoded.items[3].text("geldigTot", in: object) == "2026-11-10T00:00:00+01:00")
    }

    @Test("argonaut-bad.jsonl: line 2 is malformed, the others are read and validated")
    func argonautBad() throws {
        let (decoded, findings) = try Self.decodeAndValidate("argonaut-advies", Repository.fixture("argonaut-bad.jsonl"))
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 5)
        #expect(decoded.items.map(\.position) == (1...5).map { .line($0) })
        #expect(decoded.items.map { $0.malformation != nil } == [false, true, false, false, false])
        #expect(findings.map { $0.map(\.rule) } == [[], [.malformed], [.enumeration], [.bsn], []])
        #expect(findings[1].first?.position == .line(2))
        #expect(findings[2].first?.field == "uitkomst")
        #expect(findings[3].first?.field == "bsn")
    }

    @Test("blank lines are skipped but counted; a value of another JSON type than the contract's is a type mismatch, never converted")
    func edgeLines() throws {
        let lines = [
            #"{"adviesId":"ARG-1","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing"}"#,
            "",
            "   ",
            #"{"adviesId":"ARG-2","bsn":111222333,"datum":"2026-11-18","uitkomst":"geen-ontheffing","onbekend":1}"#,
            #"{"adviesId":"ARG-2026-000003","bsn":["123456782"],"datum":"2026-11-18","uitkomst":true}"#,
            #"["ARG-4"]"#,
            #"{"adviesId":"ARG-5","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing","toelichting":null}"# + "\r",
        ]
        let adapter = try Registries.inbound("argonaut-advies")
        let object = adapter.mapping.item.object
        let decoded = try TempFile.with(lines.joined(separator: "\n"), suffix: ".jsonl") { try Decoded(adapter, $0) }
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.map(\.position) == [.line(1), .line(4), .line(5), .line(6), .line(7)])
        #expect(decoded.items.map { $0.malformation != nil } == [false, false, false, true, false])
        let bsn = object.slot(of: "bsn")!, uitkomst = object.slot(of: "uitkomst")!
        #expect(decoded.items.map { $0.typeMismatches.map(\.slot) } == [[], [bsn], [bsn, uitkomst], [], []])
        #expect(decoded.items[1].typeMismatches.first?.message == "bsn must be a string in JSON, not a number")
        #expect(
            decoded.items[2].typeMismatches.map(\.message) == [
                "bsn must be a string in JSON, not an array", "uitkomst must be a string in JSON, not true or false",
            ])
        #expect(decoded.items[1].text("bsn", in: object) == nil)
        #expect(decoded.items[4].text("toelichting", in: object) == nil)
        #expect(decoded.items[4].text("adviesId", in: object) == "ARG-5")

        // The validator reports each as field.type on its field (not also as required).
        let validator = ItemValidator(object: object, layouts: adapter.mapping.item.dateLayouts, now: ReferenceDay.now)
        var findings: [Finding] = []
        _ = validator.validate(decoded.items[2], findings: &findings)
        #expect(findings.map(\.rule) == [.type, .type])
        #expect(findings.map(\.field) == ["bsn", "uitkomst"])
    }

    @Test(
        "a last line without a line end that is not complete JSON: the file was cut off, refused with file.structure; the line counted",
        arguments: [("cut off", true), ("broken but ended", false), ("complete without line end", false)])
    func cutOff(name: String, refused: Bool) throws {
        let good = #"{"adviesId":"ARG-1","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing"}"#
        let text =
            switch name {
            case "cut off": good + "\n" + good.dropLast(12)
            case "broken but ended": good + "\n" + good.dropLast(12) + "\n"
            default: good + "\n" + good
            }
        let adapter = try Registries.inbound("argonaut-advies")
        let decoded = try TempFile.with(String(text), suffix: ".jsonl") { try Decoded(adapter, $0) }
        if refused {
            #expect(decoded.fileFindings.map(\.rule) == [.structure])
            #expect(decoded.fileFindings.first?.position == .line(2))
            #expect(decoded.order == ["item", "file", "skipped"])
        } else {
            #expect(decoded.fileFindings.isEmpty)
            #expect(decoded.order == ["item", "item"])
            #expect(decoded.items.map { $0.malformation != nil } == [false, name == "broken but ended"])
        }
    }
}
