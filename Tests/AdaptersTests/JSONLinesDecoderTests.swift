import Adapters
import Contracts
import Foundation
import KetenpoortCore
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

    @Test("blank lines are skipped but counted; numbers are read as text; other values are malformed")
    func edgeLines() throws {
        let lines = [
            #"{"adviesId":"ARG-1","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing"}"#,
            "",
            "   ",
            #"{"adviesId":"ARG-2","bsn":111222333,"datum":"2026-11-18","uitkomst":"geen-ontheffing","onbekend":1}"#,
            #"{"adviesId":"ARG-3","bsn":["123456782"],"datum":"2026-11-18","uitkomst":"geen-ontheffing"}"#,
            #"["ARG-4"]"#,
            #"{"adviesId":"ARG-5","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing","toelichting":null}"# + "\r",
        ]
        let adapter = try Registries.inbound("argonaut-advies")
        let object = adapter.mapping.item.object
        let decoded = try TempFile.with(lines.joined(separator: "\n"), suffix: ".jsonl") { try Decoded(adapter, $0) }
        #expect(decoded.items.map(\.position) == [.line(1), .line(4), .line(5), .line(6), .line(7)])
        #expect(decoded.items.map { $0.malformation != nil } == [false, false, true, true, false])
        #expect(decoded.items[1].text("bsn", in: object) == "111222333")
        #expect(decoded.items[4].text("toelichting", in: object) == nil)
        #expect(decoded.items[4].text("adviesId", in: object) == "ARG-5")
    }
}
