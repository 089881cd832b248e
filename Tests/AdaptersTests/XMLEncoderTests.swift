import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Testing

/// The municipal notifications written by the real `gemeente-kennisgeving` adapter (formats.md §2).
@Suite("Gemeente XML encoding")
struct XMLEncoderTests {
    static let namespace = "urn:nl:inburgering:koppeling:v1"
    static let context = ["gemeente": "GM0363", "batch": "GM0363-tvs-export-20261122", "aangemaakt": "2026-11-22T02:00:04+01:00", "aantal": "1"]

    static func adapter() throws -> OutboundAdapter { try Registries.outbound(.gemeente) }

    /// A notification with every field filled.
    static func full() throws -> Record {
        var record = Record(object: try adapter().mapping.item.object)
        record["soort"] = .text("nieuw")
        record["bsn"] = .text("123456782")
        record["vnummer"] = .text("1234567890")
        record["achternaam"] = .text("Haddad")
        record["voornamen"] = .text("Rania")
        record["geboortedatum"] = .incompleteDate(IncompleteDate(year: 1990, month: 7, day: 0)!)
        record["geslacht"] = .text("V")
        record["nationaliteit"] = .text("SYR")
        record["landHerkomst"] = .text("SYR")
        record["gezinsnummer"] = .text("G-2026-00417")
        record["gezinsrol"] = .text("PARTNER")
        record["azc"] = .text("AZC Budel-Cranendonck")
        record["statusdatum"] = .date(CalendarDate(year: 2026, month: 3, day: 1)!)
        record["koppeldatum"] = .date(CalendarDate(year: 2026, month: 10, day: 15)!)
        record["verwachteHuisvesting"] = .date(CalendarDate(year: 2027, month: 1, day: 10)!)
        record["huisvestingsdatum"] = .date(CalendarDate(year: 2027, month: 1, day: 8)!)
        record["taallesUren"] = .integer(120)
        record["voorinburgering"] = .text("J")
        record["opleidingsniveau"] = .text("3")
        record["gealfabetiseerd"] = .text("J")
        record["werkervaring"] = .text("Lerares Engels")
        record["gezondheid"] = .text("Hoge bloeddruk")
        return record
    }

    /// A notification with only the fields the contract requires.
    static func minimal() throws -> Record {
        var record = Record(object: try adapter().mapping.item.object)
        record["soort"] = .text("nieuw")
        record["bsn"] = .text("123456782")
        record["achternaam"] = .text("Haddad")
        record["geboortedatum"] = .date(CalendarDate(year: 1984, month: 7, day: 15)!)
        record["geslacht"] = .text("V")
        record["nationaliteit"] = .text("SYR")
        record["landHerkomst"] = .text("SYR")
        record["azc"] = .text("AZC Gilze")
        record["statusdatum"] = .date(CalendarDate(year: 2026, month: 3, day: 1)!)
        return record
    }

    /// A whole document of `records`; `include` defaults to the adapter's consent-free policy.
    static func document(_ records: [any FieldLookup], include: (@Sendable (FieldSpec) -> Bool)? = nil, context: [String: String] = context) throws
        -> [UInt8]
    {
        let adapter = try adapter()
        var output: [UInt8] = []
        adapter.begin(context: context, into: &output)
        for record in records {
            if let include {
                try adapter.encode(record, include: include, into: &output)
            } else {
                try adapter.encode(record, include: adapter.withoutConsent, into: &output)
            }
        }
        adapter.end(context: context, into: &output)
        return output
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// The single Kennisgeving of a document of `record`.
    static func kennisgeving(_ record: any FieldLookup, include: (@Sendable (FieldSpec) -> Bool)? = nil) throws -> XMLElementNode {
        let root = try XMLTree.parse(try document([record], include: include))
        #expect(root.children.count == 1)
        return try #require(root.children.first)
    }

    // MARK: Document

    @Test("the document is well-formed, namespaced, with the root attributes from the context")
    func documentShape() throws {
        let bytes = try Self.document([try Self.full(), try Self.minimal()], context: Self.context.merging(["aantal": "2", "onbekend": "x"]) { $1 })
        #expect(Self.text(bytes).hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Kennisgevingen "))
        let root = try XMLTree.parse(bytes)
        #expect(root.name == "Kennisgevingen")
        #expect(root.namespace == Self.namespace)
        let attributes = root.attributes.filter { !$0.key.hasPrefix("xmlns") }
        #expect(
            attributes == ["gemeente": "GM0363", "batch": "GM0363-tvs-export-20261122", "aangemaakt": "2026-11-22T02:00:04+01:00", "aantal": "2"])
        #expect(root.children.map(\.name) == ["Kennisgeving", "Kennisgeving"])
        #expect(root.children.allSatisfy { $0.namespace == Self.namespace })
        #expect(root.children.allSatisfy { $0.attributes["soort"] == "nieuw" })
    }

    @Test("root attributes missing from the context are omitted, and context values are escaped")
    func rootAttributes() throws {
        let root = try XMLTree.parse(try Self.document([], context: ["gemeente": "GM0363", "batch": "a\"b&c<d>"]))
        let attributes = root.attributes.filter { !$0.key.hasPrefix("xmlns") }
        #expect(attributes == ["gemeente": "GM0363", "batch": "a\"b&c<d>"])
        #expect(root.children.isEmpty)
    }

    @Test("a full notification has the elements of formats.md §2, in order")
    func elementOrder() throws {
        let item = try Self.kennisgeving(try Self.full())
        #expect(
            item.children.map(\.name) == [
                "BSN", "VNummer", "Geslachtsnaam", "Voornamen", "Geboortedatum", "Geslacht", "Nationaliteit", "LandHerkomst", "Gezin",
                "Azc", "Statusdatum", "Koppeldatum", "VerwachteHuisvesting", "Huisvestingsdatum", "VroegeStart", "Intake",
            ])
        #expect(item.child("BSN")?.text == "123456782")
        #expect(item.child("VNummer")?.text == "1234567890")
        #expect(item.child("Geslachtsnaam")?.text == "Haddad")
        #expect(item.child("Gezin")?.attributes == ["nummer": "G-2026-00417", "rol": "PARTNER"])
        #expect(item.child("VroegeStart")?.attributes == ["taallesUren": "120", "voorinburgering": "true"])
        #expect(item.child("Intake")?.attributes == ["opleidingsniveau": "3", "gealfabetiseerd": "J"])
        #expect(item.child("Intake")?.children.map(\.name) == ["Werkervaring"])
        #expect(item.child("Intake")?.child("Werkervaring")?.text == "Lerares Engels")
    }

    // MARK: Escaping

    @Test("text is escaped and comes back unchanged; non-ASCII stays UTF-8")
    func textEscaping() throws {
        let name = "O'Brien & <Zoë> \"Ğ\""
        var record = try Self.full()
        record["achternaam"] = .text(name)
        record["werkervaring"] = .text("a < b && c > d; ]]> einde")
        let bytes = try Self.document([record])
        let text = Self.text(bytes)
        #expect(text.contains("&amp;"))
        #expect(text.contains("&lt;Zoë&gt;"))
        #expect(!text.contains("<Zoë>"))
        #expect(!text.contains("]]>"))
        #expect(text.contains("Zoë"))
        #expect(text.contains("Ğ"))
        #expect(!text.contains("&#"))
        let item = try #require(try XMLTree.parse(bytes).children.first)
        #expect(item.child("Geslachtsnaam")?.text == name)
        #expect(item.child("Intake")?.child("Werkervaring")?.text == "a < b && c > d; ]]> einde")
    }

    @Test("attribute values are escaped, quotes included, and come back unchanged")
    func attributeEscaping() throws {
        let nummer = "G\"1&2<3>'4"
        var record = try Self.full()
        record["gezinsnummer"] = .text(nummer)
        let bytes = try Self.document([record])
        #expect(Self.text(bytes).contains("nummer=\"G&quot;1&amp;2&lt;3&gt;&apos;4\""))
        let item = try #require(try XMLTree.parse(bytes).children.first)
        #expect(item.child("Gezin")?.attributes["nummer"] == nummer)
        #expect(item.child("Gezin")?.attributes["rol"] == "PARTNER")
    }

    @Test("line breaks and tabs survive in text and in attributes")
    func whitespace() throws {
        var record = try Self.full()
        record["werkervaring"] = .text("Verpleegkundige\r\nVrijwilliger\tazc\nKok")
        record["gezinsnummer"] = .text("G\t1\n2")
        let item = try Self.kennisgeving(record)
        #expect(item.child("Intake")?.child("Werkervaring")?.text == "Verpleegkundige\r\nVrijwilliger\tazc\nKok")
        #expect(item.child("Gezin")?.attributes["nummer"] == "G\t1\n2")
    }

    @Test("the document stays well-formed when free text holds a control character")
    func controlCharacters() throws {
        var record = try Self.full()
        record["werkervaring"] = .text("Kolom1\u{0B}Kolom2\u{0C}einde\u{1}")
        let bytes = try Self.document([record])
        #expect(throws: Never.self) { try XMLTree.parse(bytes) }
    }

    // MARK: Omission

    @Test("elements without a value are omitted, never written empty")
    func omission() throws {
        let bytes = try Self.document([try Self.minimal()])
        let item = try #require(try XMLTree.parse(bytes).children.first)
        #expect(
            item.children.map(\.name) == ["BSN", "Geslachtsnaam", "Geboortedatum", "Geslacht", "Nationaliteit", "LandHerkomst", "Azc", "Statusdatum"])
        for element in item.all.dropFirst() {
            #expect(!element.trimmedText.isEmpty || !element.attributes.isEmpty || !element.children.isEmpty, "\(element.name) is empty")
        }
        let text = Self.text(bytes)
        for name in [
            "VNummer", "Voornamen", "Gezin", "Koppeldatum", "VerwachteHuisvesting", "Huisvestingsdatum", "VroegeStart", "Intake", "Werkervaring",
            "Gezondheid",
        ] {
            #expect(!text.contains("<\(name)"), "\(name)")
        }
        #expect(!text.contains("=\"\""))
    }

    @Test("empty text counts as no value")
    func emptyText() throws {
        var record = try Self.minimal()
        record["voornamen"] = .text("")
        record["gezinsnummer"] = .text("")
        let text = Self.text(try Self.document([record]))
        #expect(!text.contains("<Voornamen"))
        #expect(!text.contains("<Gezin"))
    }

    @Test("a parent with only some values keeps just those")
    func partialParents() throws {
        var record = try Self.minimal()
        record["gezinsrol"] = .text("KIND")
        record["werkervaring"] = .text("Schaapherder")
        let item = try Self.kennisgeving(record)
        #expect(item.child("Gezin")?.attributes == ["rol": "KIND"])
        #expect(item.child("Intake")?.attributes.isEmpty == true)
        #expect(item.child("Intake")?.children.map(\.name) == ["Werkervaring"])
        #expect(item.child("VroegeStart") == nil)
    }

    // MARK: Consent

    @Test("health notes are never written under the consent-free policy")
    func noHealthWithoutConsent() throws {
        let adapter = try Self.adapter()
        let object = adapter.mapping.item.object
        #expect(adapter.withoutConsent(try #require(object.field("gezondheid"))) == false)
        #expect(adapter.withoutConsent(try #require(object.field("achternaam"))) == true)

        let bytes = try Self.document([try Self.full()])
        let text = Self.text(bytes)
        #expect(!text.contains("Gezondheid"))
        #expect(!text.contains("Hoge bloeddruk"))
        #expect(try XMLTree.parse(bytes).all.allSatisfy { $0.name != "Gezondheid" })

        // Health notes alone do not even produce an Intake element.
        var onlyHealth = try Self.minimal()
        onlyHealth["gezondheid"] = .text("Astma")
        let item = try Self.kennisgeving(onlyHealth)
        #expect(item.child("Intake") == nil)
    }

    @Test("health notes are written when the policy includes every field")
    func healthWithConsent() throws {
        let item = try Self.kennisgeving(try Self.full(), include: { _ in true })
        #expect(item.child("Intake")?.children.map(\.name) == ["Werkervaring", "Gezondheid"])
        #expect(item.child("Intake")?.child("Gezondheid")?.text == "Hoge bloeddruk")
    }

    @Test("a policy excluding a field drops it")
    func policyExcludes() throws {
        let item = try Self.kennisgeving(try Self.full(), include: { $0.name != "bsn" && $0.name != "gezinsrol" })
        #expect(item.child("BSN") == nil)
        #expect(item.child("Gezin")?.attributes == ["nummer": "G-2026-00417"])
        #expect(item.child("Intake")?.child("Gezondheid")?.text == "Hoge bloeddruk")
    }

    // MARK: Values

    static let birthDates: [(IncompleteDate, String)] = [
        (IncompleteDate(year: 1990, month: 7, day: 0)!, "19900700"),
        (IncompleteDate(year: 1985, month: 0, day: 0)!, "19850000"),
        (IncompleteDate(year: 2001, month: 12, day: 31)!, "20011231"),
        (IncompleteDate(year: 812, month: 3, day: 4)!, "08120304"),
    ]

    @Test("Geboortedatum is yyyymmdd with 00 for unknown parts", arguments: birthDates)
    func birthDate(date: IncompleteDate, expected: String) throws {
        var record = try Self.minimal()
        record["geboortedatum"] = .incompleteDate(date)
        #expect(try Self.kennisgeving(record).child("Geboortedatum")?.text == expected)
        if let complete = date.complete {
            record["geboortedatum"] = .date(complete)
            #expect(try Self.kennisgeving(record).child("Geboortedatum")?.text == expected)
        }
    }

    @Test("the other dates are yyyy-mm-dd")
    func isoDates() throws {
        let item = try Self.kennisgeving(try Self.full())
        #expect(item.child("Statusdatum")?.text == "2026-03-01")
        #expect(item.child("Koppeldatum")?.text == "2026-10-15")
        #expect(item.child("VerwachteHuisvesting")?.text == "2027-01-10")
        #expect(item.child("Huisvestingsdatum")?.text == "2027-01-08")
    }

    @Test(
        "voorinburgering J/N (COA) and booleans become true/false",
        arguments: [(FieldValue.text("J"), "true"), (.text("N"), "false"), (.boolean(true), "true"), (.boolean(false), "false")])
    func voorinburgering(value: FieldValue, expected: String) throws {
        var record = try Self.full()
        record["voorinburgering"] = value
        #expect(try Self.kennisgeving(record).child("VroegeStart")?.attributes["voorinburgering"] == expected)
    }

    @Test("a COA record is written through its context (soort) as the translation does")
    func coaRecordWithContext() throws {
        let coa = try Registries.inbound("coa-tvs-export").mapping.item.object
        var record = Record(object: coa)
        record["bsn"] = .text("123456782")
        record["achternaam"] = .text("Hailé")
        record["geboortedatum"] = .incompleteDate(IncompleteDate(year: 1990, month: 7, day: 0)!)
        record["statusdatum"] = .date(CalendarDate(year: 2026, month: 3, day: 1)!)
        record["voorinburgering"] = .text("N")
        record["taallesUren"] = .integer(0)
        record["gezondheid"] = .text("Zwanger")
        let item = try Self.kennisgeving(RecordWithContext(record, context: ["soort": .text("wijziging")]))
        #expect(item.attributes["soort"] == "wijziging")
        #expect(item.child("Geslachtsnaam")?.text == "Hailé")
        #expect(item.child("Geboortedatum")?.text == "19900700")
        #expect(item.child("VroegeStart")?.attributes == ["taallesUren": "0", "voorinburgering": "false"])
        #expect(item.all.allSatisfy { $0.name != "Gezondheid" })
    }

    @Test("the content type is application/xml")
    func contentType() throws {
        #expect(try Self.adapter().encoder.contentType == "application/xml")
        #expect(try Self.adapter().recipient == .gemeente)
    }
}
