import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

/// The CBS statistics delivery written by the real `cbs-levering` adapter from DUO detail records
/// (formats.md §5).
@Suite("CBS CSV encoding")
struct CBSEncoderTests {
    static let header =
        "pseudoniem;regime;doelgroep;geslacht;geboortejaar;land_herkomst;gemeente;plicht_start;status;status_datum;leerroute;leerroute_start;pip_datum;pip_in_azc;taalniveau;werkend;vervolgonderwijs"
    static let key = Data("cbs-test-key-2026".utf8)
    /// HMAC-SHA-256("123456782") with `key`, computed independently:
    /// `python3 -c 'import hmac,hashlib; print(hmac.new(b"cbs-test-key-2026", b"123456782", hashlib.sha256).hexdigest())'`
    static let pseudonym123456782 = "91bb8794109805dd6a89ba51647a08d4bf706552b03c2e3c3aee0ad93f160519"
    /// The same BSN with the key `another-key`.
    static let pseudonym123456782OtherKey = "e17e2d1c7897662c3a30b6ad25d5e5bc4921bc00d10fa8e1fa783d326a887b41"

    static func adapter(key: Data = key) throws -> OutboundAdapter {
        try Registries.outbound(.cbs, secrets: TransformSecrets(["cbs-delivery-key": key]))
    }

    static var detail: SchemaObject { get throws { try Registries.inbound("duo-status-extract").mapping.item.object } }

    /// A DUO detail record as the validator types it.
    static func record(bsn: String = "123456782", geboortedatum: FieldValue = .date(CalendarDate(year: 1979, month: 2, day: 5)!)) throws -> Record {
        var record = Record(object: try detail)
        record["bsn"] = .text(bsn)
        record["regime"] = .text("1")
        record["doelgroep"] = .text("A")
        record["plichtStart"] = .date(CalendarDate(year: 2026, month: 1, day: 5)!)
        record["termijnEinde"] = .date(CalendarDate(year: 2029, month: 1, day: 5)!)
        record["status"] = .text("PL")
        record["statusdatum"] = .date(CalendarDate(year: 2026, month: 1, day: 5)!)
        record["leerroute"] = .text("B")
        record["leerrouteStart"] = .date(CalendarDate(year: 2026, month: 7, day: 11)!)
        record["pipDatum"] = .date(CalendarDate(year: 2026, month: 5, day: 5)!)
        record["pipInAzc"] = .text("N")
        record["taalniveau"] = .text("A2")
        record["aantalBoetes"] = .integer(0)
        record["invorderingGepauzeerd"] = .text("N")
        record["gemeente"] = .text("GM0363")
        record["geslacht"] = .text("M")
        record["geboortedatum"] = geboortedatum
        record["landHerkomst"] = .text("SYR")
        record["werkend"] = .text("N")
        record["vervolgonderwijs"] = .text("N")
        return record
    }

    /// The CSV of `records`, split into lines (without the final empty one).
    static func lines(_ records: [Record], adapter: OutboundAdapter? = nil) throws -> [String] {
        let adapter = try adapter ?? Self.adapter()
        var output: [UInt8] = []
        adapter.begin(context: [:], into: &output)
        for record in records { try adapter.encode(record, include: adapter.withoutConsent, into: &output) }
        adapter.end(context: [:], into: &output)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text.hasSuffix("\n"))
        return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
    }

    /// The columns of a data line by header name.
    static func columns(_ line: String) -> [String: String] {
        Dictionary(
            uniqueKeysWithValues: zip(
                header.split(separator: ";").map(String.init), line.split(separator: ";", omittingEmptySubsequences: false).map(String.init)))
    }

    @Test("the header line is exactly the columns of formats.md §5")
    func headerLine() throws {
        let lines = try Self.lines([])
        #expect(lines == [Self.header])
        #expect(try Self.adapter().encoder.contentType == "text/csv")
    }

    @Test("a detail record becomes one line: pseudonym, codes, ISO dates, birth year")
    func oneLine() throws {
        let lines = try Self.lines([try Self.record()])
        #expect(lines.count == 2)
        #expect(lines[1] == "\(Self.pseudonym123456782);1;A;M;1979;SYR;GM0363;2026-01-05;PL;2026-01-05;B;2026-07-11;2026-05-05;N;A2;N;N")
    }

    @Test("the pseudonym is HMAC-SHA-256 of the nine BSN digits as 64 lowercase hex characters")
    func pseudonymVector() throws {
        let pseudonym = try #require(Self.columns(try Self.lines([try Self.record()])[1])["pseudoniem"])
        #expect(pseudonym == Self.pseudonym123456782)
        #expect(pseudonym.count == 64)
        #expect(pseudonym.allSatisfy { $0.isHexDigit && !$0.isUppercase })
    }

    @Test("the same BSN and key give the same pseudonym; another key or BSN gives another")
    func pseudonymStability() throws {
        let first = try Self.lines([try Self.record(), try Self.record()])
        let again = try Self.lines([try Self.record()])
        #expect(Self.columns(first[1])["pseudoniem"] == Self.columns(first[2])["pseudoniem"])
        #expect(Self.columns(first[1])["pseudoniem"] == Self.columns(again[1])["pseudoniem"])

        let otherKey = try Self.lines([try Self.record()], adapter: try Self.adapter(key: Data("another-key".utf8)))
        #expect(Self.columns(otherKey[1])["pseudoniem"] == Self.pseudonym123456782OtherKey)
        #expect(Self.columns(otherKey[1])["pseudoniem"] != Self.columns(first[1])["pseudoniem"])

        let otherBSN = try Self.lines([try Self.record(bsn: "111222333")])
        #expect(Self.columns(otherBSN[1])["pseudoniem"] != Self.columns(first[1])["pseudoniem"])
    }

    @Test(
        "geboortejaar is the year, also of incomplete birth dates",
        arguments: [
            (FieldValue.date(CalendarDate(year: 1979, month: 2, day: 5)!), "1979"),
            (.incompleteDate(IncompleteDate(year: 1990, month: 7, day: 0)!), "1990"),
            (.incompleteDate(IncompleteDate(year: 1985, month: 0, day: 0)!), "1985"),
        ])
    func birthYear(value: FieldValue, expected: String) throws {
        let line = try Self.lines([try Self.record(geboortedatum: value)])[1]
        #expect(Self.columns(line)["geboortejaar"] == expected)
    }

    @Test("absent values are empty columns")
    func absentValues() throws {
        var record = try Self.record()
        record["leerroute"] = .absent
        record["leerrouteStart"] = .absent
        record["pipDatum"] = .absent
        record["gemeente"] = .absent
        let line = try Self.lines([record])[1]
        let columns = Self.columns(line)
        #expect(line.split(separator: ";", omittingEmptySubsequences: false).count == 17)
        #expect(columns["leerroute"] == "")
        #expect(columns["leerroute_start"] == "")
        #expect(columns["pip_datum"] == "")
        #expect(columns["gemeente"] == "")
        #expect(columns["status"] == "PL")
    }

    @Test("without the delivery key nothing is written")
    func missingKey() throws {
        let adapter = try Registries.outbound(.cbs)
        var output: [UInt8] = []
        #expect(throws: KetenpoortError.self) {
            try adapter.encode(try Self.record(), include: adapter.withoutConsent, into: &output)
        }
        #expect(output.isEmpty)
    }

    @Test("the DUO sample becomes 30 lines of 17 columns without any BSN")
    func sampleDelivery() throws {
        let inbound = try Registries.inbound("duo-status-extract")
        let mapping = inbound.mapping.item
        let validator = ItemValidator(object: mapping.object, layouts: mapping.dateLayouts, now: ReferenceDay.now)
        var records: [Record] = []
        try inbound.decoder.decode(Repository.sample("duo", "duo-inburgering-20261122.dat"), onlyFields: nil) { event in
            guard case .item(let raw) = event else { return }
            var findings: [Finding] = []
            records.append(validator.validate(raw, findings: &findings))
            #expect(findings.isEmpty)
        }
        #expect(records.count == 30)
        let lines = try Self.lines(records)
        #expect(lines.count == 31)
        #expect(lines[0] == Self.header)
        let text = lines.joined(separator: "\n")
        let bsns = records.compactMap { $0["bsn"].text }
        #expect(bsns.count == 30)
        for bsn in bsns { #expect(!text.contains(bsn)) }
        var pseudonyms = Set<String>()
        for (line, record) in zip(lines.dropFirst(), records) {
            let columns = Self.columns(line)
            #expect(line.split(separator: ";", omittingEmptySubsequences: false).count == 17)
            let pseudonym = try #require(columns["pseudoniem"])
            #expect(pseudonym.count == 64)
            pseudonyms.insert(pseudonym)
            let birthYear =
                record["geboortedatum"].date?.year
                ?? {
                    if case .incompleteDate(let date) = record["geboortedatum"] { return date.year }
                    return nil
                }()
            #expect(columns["geboortejaar"] == birthYear.map(String.init))
            #expect(columns["status"] == record["status"].text)
        }
        #expect(pseudonyms.count == 30)
    }
}
