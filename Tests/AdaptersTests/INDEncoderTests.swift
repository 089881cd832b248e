import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Testing

/// The answer to the IND's status question, written by the real `ind-statusantwoord` adapter
/// (formats.md §4).
@Suite("IND JSON encoding")
struct INDEncoderTests {
    static func adapter() throws -> OutboundAdapter { try Registries.outbound(.ind) }

    static let peildatum = CalendarDate(year: 2026, month: 11, day: 22)!

    /// A DUO detail record with `status`, answered through the context the gateway adds.
    static func answer(status: String, regime: String = "1") throws -> RecordWithContext {
        var record = Record(object: try Registries.inbound("duo-status-extract").mapping.item.object)
        record["bsn"] = .text("123456782")
        record["regime"] = .text(regime)
        record["doelgroep"] = .text("A")
        record["status"] = .text(status)
        record["statusdatum"] = .date(CalendarDate(year: 2025, month: 3, day: 1)!)
        record["termijnEinde"] = .date(CalendarDate(year: 2026, month: 1, day: 1)!)
        record["gemeente"] = .text("GM0363")
        record["geboortedatum"] = .date(CalendarDate(year: 1979, month: 2, day: 5)!)
        return RecordWithContext(record, context: ["inburgeringsplichtig": .boolean(true), "peildatum": .date(peildatum), "bron": .text("DUO")])
    }

    static func json(_ records: [any FieldLookup]) throws -> (text: String, objects: [[String: Any]]) {
        let adapter = try adapter()
        var output: [UInt8] = []
        adapter.begin(context: [:], into: &output)
        for record in records { try adapter.encode(record, include: adapter.withoutConsent, into: &output) }
        adapter.end(context: [:], into: &output)
        let text = String(decoding: output, as: UTF8.self)
        let objects = try text.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        return (text, objects)
    }

    static let statuses: [(String, String)] = [
        ("OM", "ontheven"), ("OI", "ontheven"), ("OO", "ontheven"), ("VD", "voldaan"), ("PV", "verwijtbaar-overschreden"),
        ("PL", "plichtig"), ("PB", "plichtig"), ("PN", "plichtig"), ("VR", "vrijgesteld"), ("VV", "vervallen"),
    ]

    @Test("DUO status codes become the outcome the IND may know", arguments: statuses)
    func status(code: String, expected: String) throws {
        let (text, objects) = try Self.json([try Self.answer(status: code)])
        #expect(objects.count == 1)
        #expect(objects.first?["status"] as? String == expected)
        // The reason of an exemption never leaves DUO.
        #expect(!text.contains("\"\(code)\""))
    }

    @Test("a full answer has the keys of formats.md §4, typed, and nothing else")
    func fullAnswer() throws {
        let (text, objects) = try Self.json([try Self.answer(status: "VD")])
        let object = try #require(objects.first)
        #expect(Set(object.keys) == ["inburgeringsplichtig", "regime", "status", "statusdatum", "termijnEinde", "peildatum", "bron"])
        #expect(text.contains("\"inburgeringsplichtig\":true"))
        #expect(!(object["inburgeringsplichtig"] is String))
        #expect(object["inburgeringsplichtig"] as? Bool == true)
        #expect(object["regime"] as? String == "Wi2021")
        #expect(object["status"] as? String == "voldaan")
        #expect(object["statusdatum"] as? String == "2025-03-01")
        #expect(object["termijnEinde"] as? String == "2026-01-01")
        #expect(object["peildatum"] as? String == "2026-11-22")
        #expect(object["bron"] as? String == "DUO")
        #expect(!text.contains("123456782"))
        #expect(!text.contains("GM0363"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test("regime 3 is Wi2013, 1 is Wi2021", arguments: [("3", "Wi2013"), ("1", "Wi2021")])
    func regime(code: String, expected: String) throws {
        let (_, objects) = try Self.json([try Self.answer(status: "PL", regime: code)])
        #expect(objects.first?["regime"] as? String == expected)
    }

    @Test("a person DUO does not know: inburgeringsplichtig false, peildatum and bron only")
    func unknownPerson() throws {
        var record = Record(object: try #require(try Registries.contracts().contract("ind-statusvraag").object(named: "statusantwoord")))
        record["inburgeringsplichtig"] = .boolean(false)
        record["peildatum"] = .date(Self.peildatum)
        record["bron"] = .text("DUO")
        let (text, objects) = try Self.json([record])
        #expect(text == "{\"inburgeringsplichtig\":false,\"peildatum\":\"2026-11-22\",\"bron\":\"DUO\"}\n")
        #expect(objects.first?["inburgeringsplichtig"] as? Bool == false)
    }

    @Test("a Record of the statusantwoord object is written the same way")
    func statusantwoordRecord() throws {
        var record = Record(object: try Self.adapter().mapping.item.object)
        #expect(record.object.name == "statusantwoord")
        record["inburgeringsplichtig"] = .boolean(true)
        record["regime"] = .text("3")
        record["status"] = .text("OI")
        record["statusdatum"] = .date(CalendarDate(year: 2024, month: 2, day: 29)!)
        record["peildatum"] = .date(Self.peildatum)
        record["bron"] = .text("DUO")
        let (_, objects) = try Self.json([record])
        let object = try #require(objects.first)
        #expect(object["inburgeringsplichtig"] as? Bool == true)
        #expect(object["regime"] as? String == "Wi2013")
        #expect(object["status"] as? String == "ontheven")
        #expect(object["statusdatum"] as? String == "2024-02-29")
        #expect(object["termijnEinde"] == nil)
    }

    @Test("several answers are one JSON object per line")
    func lines() throws {
        let (text, objects) = try Self.json([try Self.answer(status: "VD"), try Self.answer(status: "PV"), try Self.answer(status: "OM")])
        #expect(text.split(separator: "\n").count == 3)
        #expect(objects.map { $0["status"] as? String } == ["voldaan", "verwijtbaar-overschreden", "ontheven"])
    }
}
