import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

/// A line end, named readably in test results.
enum LineEnd: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case lf = "\n", crlf = "\r\n", cr = "\r"
    var testDescription: String {
        switch self {
        case .lf: "LF"
        case .crlf: "CRLF"
        case .cr: "CR"
        }
    }
}

/// COA's TVS export read by the real `coa-tvs-export` adapter (formats.md §1): files written by
/// the tests, one edge case each.
@Suite("COA CSV decoding")
struct CSVDecoderTests {
    static let columns = COARows.columns
    static let valid = COARows.valid

    /// One row in the given column order; values are written as given (already quoted when needed).
    static func row(_ changes: [String: String] = [:], columns: [String] = columns) -> String { COARows.row(changes, columns: columns) }

    static func file(_ rows: [String], header: [String] = columns, newline: String = "\n", bom: Bool = false) -> [UInt8] {
        let text = ([header.joined(separator: ";")] + rows).joined(separator: newline) + newline
        return (bom ? [0xEF, 0xBB, 0xBF] : []) + Array(text.utf8)
    }

    static func adapter() throws -> InboundAdapter { try Registries.inbound("coa-tvs-export") }
    static var object: SchemaObject { get throws { try adapter().mapping.item.object } }

    static func decode(_ bytes: [UInt8]) throws -> Decoded {
        let adapter = try adapter()
        return try TempFile.with(bytes) { try Decoded(adapter, $0) }
    }

    static func decode(_ rows: [String], header: [String] = columns, newline: String = "\n", bom: Bool = false) throws -> Decoded {
        try decode(file(rows, header: header, newline: newline, bom: bom))
    }

    /// The findings of validating `raw` against the COA item object on the reference day.
    static func findings(_ raw: RawItem) throws -> [Finding] {
        let mapping = try adapter().mapping.item
        var findings: [Finding] = []
        _ = ItemValidator(object: mapping.object, layouts: mapping.dateLayouts, now: ReferenceDay.now).validate(raw, findings: &findings)
        return findings
    }

    // MARK: Byte order mark and line ends

    @Test("a UTF-8 byte order mark is skipped; the first column is still found", arguments: [true, false])
    func byteOrderMark(bom: Bool) throws {
        let decoded = try Self.decode([Self.row(), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])], bom: bom)
        let object = try Self.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.unknownColumns.isEmpty)
        #expect(decoded.items.count == 2)
        #expect(decoded.items.map { $0.text("bsn", in: object) } == ["123456782", "111222333"])
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        for item in decoded.items { #expect(try Self.findings(item).isEmpty) }
    }

    @Test("rows end in LF, CRLF or CR alone", arguments: LineEnd.allCases)
    func lineEnds(lineEnd: LineEnd) throws {
        let newline = lineEnd.rawValue
        let rows = [
            Self.row(["ACHTERNAAM": "Een"]),
            Self.row(["ACHTERNAAM": "Twee", "BSN": "111222333", "VNUMMER": "1234567891", "GEZONDHEID": "laatste"]),
            Self.row(["ACHTERNAAM": "Drie", "BSN": "999999990", "VNUMMER": "1234567892"]),
        ]
        let decoded = try Self.decode(rows, newline: newline)
        let object = try Self.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.unknownColumns.isEmpty)
        #expect(decoded.items.map(\.position) == [.line(2), .line(3), .line(4)])
        #expect(decoded.items.map { $0.text("achternaam", in: object) } == ["Een", "Twee", "Drie"])
        // The last column never keeps a stray CR or LF.
        #expect(decoded.items[1].text("gezondheid", in: object) == "laatste")
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        for item in decoded.items { #expect(try Self.findings(item).isEmpty) }
    }

    @Test("a file without a line end after the last row still yields that row")
    func noFinalNewline() throws {
        var bytes = Self.file([Self.row(), Self.row(["BSN": "111222333", "VNUMMER": "1234567891", "ACHTERNAAM": "Laatst"])])
        bytes.removeLast()
        let decoded = try Self.decode(bytes)
        #expect(decoded.items.count == 2)
        #expect(decoded.items.last?.text("achternaam", in: try Self.object) == "Laatst")
    }

    @Test("blank lines between rows are skipped but counted")
    func blankLines() throws {
        let decoded = try Self.decode([Self.row(), "", Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])])
        #expect(decoded.items.map(\.position) == [.line(2), .line(4)])
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
    }

    // MARK: Columns

    @Test("columns are matched by name, in any order and any case")
    func columnOrderAndCase() throws {
        let header = [
            "gezondheid", "Achternaam", "bsn", "Voornamen", "geslacht", "GeboorteDatum", "land_herkomst", "Nationaliteit", "azc",
            "vNummer", "Gezinsnummer", "gezinsRol", "statusdatum", "Gemeente", "koppeldatum", "Verwachte_Huisvesting",
            "huisvestingsdatum", "Taalles_Uren", "voorinburgering", "OpleidingsNiveau", "gealfabetiseerd", "werkervaring",
        ]
        #expect(Set(header.map { $0.uppercased() }) == Set(Self.columns))
        let decoded = try Self.decode([Self.row(["GEZONDHEID": "Astma"], columns: header)], header: header)
        let object = try Self.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.unknownColumns.isEmpty)
        let item = try #require(decoded.items.first)
        #expect(item.text("bsn", in: object) == "123456782")
        #expect(item.text("vnummer", in: object) == "1234567890")
        #expect(item.text("achternaam", in: object) == "Haddad")
        #expect(item.text("voornamen", in: object) == "Rania")
        #expect(item.text("geboortedatum", in: object) == "15-07-1984")
        #expect(item.text("landHerkomst", in: object) == "SYR")
        #expect(item.text("taallesUren", in: object) == "120")
        #expect(item.text("gezondheid", in: object) == "Astma")
        #expect(try Self.findings(item).isEmpty)
    }

    @Test("header names are trimmed before matching")
    func headerNamesTrimmed() throws {
        let header = Self.columns.map { $0 == "ACHTERNAAM" ? " Achternaam " : $0 }
        let decoded = try Self.decode([Self.row()], header: header)
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.first?.text("achternaam", in: try Self.object) == "Haddad")
    }

    @Test("unknown columns are reported once, before the items, and ignored")
    func unknownColumns() throws {
        let header = ["OPMERKING_INTERN"] + Self.columns + ["Extra Kolom"]
        let decoded = try Self.decode([Self.row(["OPMERKING_INTERN": "terugbellen", "EXTRA KOLOM": "x"], columns: header)], header: header)
        #expect(decoded.unknownColumns == [["OPMERKING_INTERN", "Extra Kolom"]])
        #expect(decoded.order == ["unknown", "item"])
        #expect(decoded.fileFindings.isEmpty)
        let item = try #require(decoded.items.first)
        #expect(item.malformation == nil)
        #expect(!item.texts.contains("terugbellen"))
        #expect(item.text("bsn", in: try Self.object) == "123456782")
        #expect(try Self.findings(item).isEmpty)
    }

    @Test("optional columns may be absent")
    func optionalColumnsAbsent() throws {
        let optional: Set = [
            "VOORNAMEN", "GEZINSNUMMER", "GEZINSROL", "GEMEENTE", "KOPPELDATUM", "VERWACHTE_HUISVESTING", "HUISVESTINGSDATUM", "WERKERVARING",
            "GEZONDHEID", "VNUMMER",
        ]
        let header = Self.columns.filter { !optional.contains($0) }
        let decoded = try Self.decode([Self.row(columns: header)], header: header)
        #expect(decoded.fileFindings.isEmpty)
        let item = try #require(decoded.items.first)
        #expect(item.text("voornamen", in: try Self.object) == nil)
        #expect(try Self.findings(item).isEmpty)
    }

    @Test(
        "a missing required column rejects the file and names the column",
        arguments: [
            "ACHTERNAAM", "GEBOORTEDATUM", "GESLACHT", "NATIONALITEIT", "LAND_HERKOMST", "AZC", "STATUSDATUM", "TAALLES_UREN", "VOORINBURGERING",
            "OPLEIDINGSNIVEAU", "GEALFABETISEERD",
        ])
    func missingRequiredColumn(column: String) throws {
        let header = Self.columns.filter { $0 != column }
        let decoded = try Self.decode(
            [Self.row(columns: header), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"], columns: header)], header: header)
        let finding = try #require(decoded.fileFindings.first)
        #expect(decoded.fileFindings.count == 1)
        #expect(finding.rule == .missingColumn)
        #expect(finding.level == .file)
        #expect(finding.position == .line(1))
        #expect(finding.message.contains(column))
        #expect(decoded.items.isEmpty)
        // Its rows are counted, not read.
        #expect(decoded.order.filter { $0 == "skipped" }.count == 2)
    }

    @Test("a file without its header line is refused with file.structure; its first row is counted as the item it is")
    func noHeaderLine() throws {
        let rows = [Self.row(), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"]), Self.row(["BSN": "999999990", "VNUMMER": "1234567892"])]
        let decoded = try Self.decode(Array((rows.joined(separator: "\n") + "\n").utf8))
        #expect(decoded.fileFindings.map(\.rule) == [.structure])
        #expect(decoded.fileFindings.first?.position == .line(1))
        #expect(decoded.fileFindings.first?.message.contains("no header line") == true)
        #expect(decoded.items.isEmpty)
        #expect(decoded.order == ["file", "skipped", "skipped", "skipped"])
        // Its values are not column names to repeat.
        #expect(decoded.unknownColumns.isEmpty)
    }

    @Test("a header naming no known column but only names (a wrong file) is a header: its columns are missing")
    func foreignHeader() throws {
        let decoded = try Self.decode([Self.row(columns: ["A", "B"])], header: ["Naam", "Plaats"])
        #expect(decoded.fileFindings.map(\.rule) == [.missingColumn])
        // With columns missing, its names are not trusted to be names: not repeated.
        #expect(decoded.unknownColumns == [["(unnamed)", "(unnamed)"]])
        #expect(decoded.order.filter { $0 == "skipped" }.count == 1)
    }

    @Test("without both BSN and VNUMMER columns the file is rejected; one of them is enough")
    func missingIdentifierColumns() throws {
        let neither = Self.columns.filter { $0 != "BSN" && $0 != "VNUMMER" }
        let decoded = try Self.decode([Self.row(columns: neither)], header: neither)
        let finding = try #require(decoded.fileFindings.first)
        #expect(finding.rule == .missingColumn)
        #expect(finding.level == .file)
        #expect(finding.message.contains("BSN"))
        #expect(finding.message.contains("VNUMMER"))
        #expect(decoded.items.isEmpty)

        for kept in ["BSN", "VNUMMER"] {
            let header = Self.columns.filter { $0 == kept || ($0 != "BSN" && $0 != "VNUMMER") }
            let decoded = try Self.decode([Self.row(columns: header)], header: header)
            #expect(decoded.fileFindings.isEmpty, "only \(kept)")
            #expect(decoded.items.count == 1)
            #expect(try Self.findings(try #require(decoded.items.first)).isEmpty)
        }
    }

    @Test("an empty file is a structural error")
    func emptyFile() throws {
        let decoded = try Self.decode([UInt8]())
        #expect(decoded.fileFindings.map(\.rule) == [.structure])
        #expect(decoded.items.isEmpty)
    }

    // MARK: Quoting

    @Test("a quoted field keeps separators, doubled quotes and line breaks", arguments: [LineEnd.lf, .crlf])
    func quotedField(lineEnd: LineEnd) throws {
        let newline = lineEnd.rawValue
        let werkervaring = "\"Lasser; 6 jaar bij \"\"Damascus Steel\"\"\(newline)daarna monteur\""
        let decoded = try Self.decode(
            [Self.row(["WERKERVARING": werkervaring, "ACHTERNAAM": "\"Al-Hassan\""]), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])],
            newline: newline)
        let object = try Self.object
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 2)
        let item = try #require(decoded.items.first)
        #expect(item.malformation == nil)
        #expect(item.text("werkervaring", in: object) == "Lasser; 6 jaar bij \"Damascus Steel\"\ndaarna monteur")
        #expect(item.text("achternaam", in: object) == "Al-Hassan")
        #expect(item.text("gezondheid", in: object) == nil)
        #expect(try Self.findings(item).isEmpty)
    }

    @Test("a quoted empty field is empty, a quoted field may hold only a quote")
    func quotedEdgeValues() throws {
        let decoded = try Self.decode([Self.row(["VOORNAMEN": "\"\"", "WERKERVARING": "\"\"\"\"", "GEZONDHEID": "\";\""])])
        let object = try Self.object
        let item = try #require(decoded.items.first)
        #expect(item.malformation == nil)
        #expect(item.text("voornamen", in: object) == nil)
        #expect(item.text("werkervaring", in: object) == "\"")
        #expect(item.text("gezondheid", in: object) == ";")
    }

    @Test("a row after a multi-line row is positioned at its own first physical line", arguments: LineEnd.allCases)
    func positionAfterMultilineRow(lineEnd: LineEnd) throws {
        let newline = lineEnd.rawValue
        let threeLines = "\"regel 1\(newline)regel 2\(newline)regel 3\""
        let decoded = try Self.decode(
            [
                Self.row(),
                Self.row(["BSN": "111222333", "VNUMMER": "1234567891", "WERKERVARING": threeLines]),
                Self.row(["BSN": "999999990", "VNUMMER": "1234567892", "ACHTERNAAM": "Na"]),
                Self.row(["BSN": "100000009", "VNUMMER": "1234567893", "GEZONDHEID": "\"a\(newline)b\""]),
                Self.row(["BSN": "945807302", "VNUMMER": "1234567894"]),
            ], newline: newline)
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.map(\.position) == [.line(2), .line(3), .line(6), .line(7), .line(9)])
        #expect(decoded.items[2].text("achternaam", in: try Self.object) == "Na")
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
    }

    @Test("too few or too many fields make the row malformed, not the file")
    func wrongFieldCount() throws {
        let full = Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])
        let short = full.split(separator: ";", omittingEmptySubsequences: false).dropLast(2).joined(separator: ";")
        let decoded = try Self.decode([Self.row(), short, full + ";extra", Self.row(["BSN": "999999990", "VNUMMER": "1234567892"])])
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.map(\.position) == [.line(2), .line(3), .line(4), .line(5)])
        #expect(decoded.items.map { $0.malformation != nil } == [false, true, true, false])
        let findings = try Self.findings(decoded.items[1])
        #expect(findings.map(\.rule) == [.malformed])
        #expect(findings.first?.position == .line(3))
    }

    @Test("text after a closing quote makes the row malformed")
    func textAfterClosingQuote() throws {
        let decoded = try Self.decode([Self.row(["WERKERVARING": "\"ab\"c"]), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])])
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 2)
        #expect(decoded.items[0].malformation != nil)
        #expect(decoded.items[1].malformation == nil)
        #expect(try Self.findings(decoded.items[0]).map(\.rule) == [.malformed])
    }

    @Test("an unterminated quote is a structural error of the file at the line where it opens")
    func unterminatedQuote() throws {
        let decoded = try Self.decode([
            Self.row(),
            Self.row(["BSN": "111222333", "VNUMMER": "1234567891"]),
            Self.row(["BSN": "999999990", "VNUMMER": "1234567892", "WERKERVARING": "\"never closed"]),
            Self.row(["BSN": "100000009", "VNUMMER": "1234567893"]),
        ])
        let finding = try #require(decoded.fileFindings.first)
        #expect(decoded.fileFindings.count == 1)
        #expect(finding.rule == .structure)
        #expect(finding.level == .file)
        #expect(finding.position == .line(4))
        // Rows before it are read; from the quote on each line counts as one item.
        #expect(decoded.items.map(\.position) == [.line(2), .line(3)])
        #expect(decoded.order.filter { $0 == "skipped" }.count == 2)
    }

    @Test("a quoted field ending in a carriage return does not swallow the line end of its row")
    func quotedFieldEndingInCR() throws {
        let decoded = try Self.decode([
            Self.row(["GEZONDHEID": "\"Astma\r\""]),
            Self.row(["BSN": "111222333", "VNUMMER": "1234567891", "ACHTERNAAM": "Volgende"]),
        ])
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.map(\.position) == [.line(2), .line(3)])
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        #expect(decoded.items.last?.text("achternaam", in: try Self.object) == "Volgende")
    }

    @Test("a doubled quote right after a carriage return inside a quoted field is kept (line breaks become LF)")
    func doubledQuoteAfterCR() throws {
        let decoded = try Self.decode([Self.row(["WERKERVARING": "\"a\r\"\"\nb\""])])
        let item = try #require(decoded.items.first)
        #expect(item.malformation == nil)
        #expect(item.text("werkervaring", in: try Self.object) == "a\n\"\nb")
    }

    // MARK: Values

    @Test("an eight-digit BSN is left-padded to nine digits; spaces are trimmed")
    func eightDigitBSN() throws {
        let decoded = try Self.decode([
            Self.row(["BSN": "12345672"]), Self.row(["BSN": " 111222333 ", "VNUMMER": "1234567891", "ACHTERNAAM": "  Haddad "]),
        ])
        let object = try Self.object
        #expect(decoded.items.map { $0.text("bsn", in: object) } == ["012345672", "111222333"])
        #expect(decoded.items[1].text("achternaam", in: object) == "Haddad")
        for item in decoded.items { #expect(try Self.findings(item).isEmpty) }
        #expect(BSN("12345672")?.digits == "012345672")
    }

    @Test("an empty BSN is absent, not an error when the V-number is there")
    func emptyBSN() throws {
        let decoded = try Self.decode([Self.row(["BSN": ""])])
        let item = try #require(decoded.items.first)
        #expect(item.text("bsn", in: try Self.object) == nil)
        #expect(try Self.findings(item).isEmpty)
    }

    @Test("invalid UTF-8 in a field makes the row malformed")
    func invalidUTF8() throws {
        let good = Array((Self.row(["BSN": "111222333", "VNUMMER": "1234567891"]) + "\n").utf8)
        var bad = Array(Self.row(["ACHTERNAAM": "XX"]).utf8)
        let at = try #require(bad.firstIndex(of: UInt8(ascii: "X")))
        bad.replaceSubrange(at..<(at + 2), with: [0xC3, 0x28])  // a broken two-byte sequence
        let header = Array((Self.columns.joined(separator: ";") + "\n").utf8)
        let decoded = try Self.decode(header + bad + [10] + good)
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 2)
        #expect(decoded.items[0].malformation != nil)
        #expect(decoded.items[1].malformation == nil)
        #expect(try Self.findings(decoded.items[0]).map(\.rule) == [.malformed])
    }

    @Test("non-ASCII names survive decoding")
    func unicodeNames() throws {
        let decoded = try Self.decode([Self.row(["ACHTERNAAM": "AĞAOĞLU", "VOORNAMEN": "Ayşe Zoë"])])
        let object = try Self.object
        #expect(decoded.items.first?.text("achternaam", in: object) == "AĞAOĞLU")
        #expect(decoded.items.first?.text("voornamen", in: object) == "Ayşe Zoë")
    }

    @Test("onlyFields limits the values read, not the items")
    func onlyFields() throws {
        let adapter = try Self.adapter()
        let object = adapter.mapping.item.object
        let decoded = try TempFile.with(Self.file([Self.row(), Self.row(["BSN": "111222333", "VNUMMER": "1234567891"])])) {
            try Decoded(adapter, $0, onlyFields: ["bsn", "vnummer"])
        }
        #expect(decoded.items.count == 2)
        #expect(decoded.items.map { $0.text("bsn", in: object) } == ["123456782", "111222333"])
        #expect(decoded.items.allSatisfy { $0.text("achternaam", in: object) == nil })
    }

    /// A file that is hard on a key-only scan: stray quotes inside unquoted free text, quoted
    /// multi-line fields after the keys, a quoted key, CRLF line ends.
    static let trickyRows: [String] = [
        row(["WERKERVARING": "Monteur van 5\" schermen", "GEZONDHEID": "\"a\r\nb\""]),
        row(["BSN": "111222333", "VNUMMER": "1234567891", "ACHTERNAAM": "O\"Brien", "WERKERVARING": "\"x;\"\"y\"\"\r\nz\""]),
        row(["BSN": "\"999999990\"", "VNUMMER": "1234567892", "VOORNAMEN": "\"\""]),
        row(["BSN": "100000009", "VNUMMER": "1234567893", "WERKERVARING": "\"\"\"\""]),
        row(["BSN": "945807302", "VNUMMER": "1234567894", "AZC": "AZC \"De Haven\""]),
        row(["BSN": "229262193", "VNUMMER": "1234567895"]),
    ]

    @Test(
        "a key-only read (onlyFields) sees the same rows, positions and keys as a full read",
        arguments: ["tvs-export-20261122.csv", "tvs-export-20261121.csv", "coa-one-bad-row-of-each-kind.csv", "tricky"])
    func keyOnlyReadMatchesFullRead(name: String) throws {
        let adapter = try Self.adapter()
        let object = adapter.mapping.item.object
        func both(_ url: URL) throws -> (full: Decoded, keys: Decoded) {
            (try Decoded(adapter, url), try Decoded(adapter, url, onlyFields: ["bsn", "vnummer"]))
        }
        let (full, keys): (Decoded, Decoded)
        switch name {
        case "tricky": (full, keys) = try TempFile.with(Self.file(Self.trickyRows, newline: "\r\n")) { try both($0) }
        case "coa-one-bad-row-of-each-kind.csv": (full, keys) = try both(Repository.fixture(name))
        default: (full, keys) = try both(Repository.sample("coa", name))
        }
        #expect(full.fileFindings.isEmpty)
        #expect(keys.fileFindings.isEmpty)
        #expect(keys.items.count == full.items.count)
        #expect(keys.items.map(\.position) == full.items.map(\.position))
        for (a, b) in zip(full.items, keys.items) where a.malformation == nil {
            #expect(b.text("bsn", in: object) == a.text("bsn", in: object), "\(a.position)")
            #expect(b.text("vnummer", in: object) == a.text("vnummer", in: object), "\(a.position)")
        }
        if name == "tricky" {
            #expect(full.items.map { $0.text("bsn", in: object) } == ["123456782", "111222333", "999999990", "100000009", "945807302", "229262193"])
            #expect(full.items.allSatisfy { $0.malformation == nil })
            #expect(full.items[0].text("werkervaring", in: object) == "Monteur van 5\" schermen")
            #expect(full.items[1].text("achternaam", in: object) == "O\"Brien")
        }
    }

    // MARK: The samples

    @Test("the 2026-11-22 sample (BOM, CRLF, shuffled header) decodes into 24 clean items")
    func sample22() throws {
        let decoded = try Decoded(try Self.adapter(), Repository.sample("coa", "tvs-export-20261122.csv"))
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.unknownColumns == [["OPMERKING_INTERN"]])
        #expect(decoded.items.count == 24)
        for item in decoded.items { #expect(try Self.findings(item).isEmpty, "\(item.position)") }
        let object = try Self.object
        // The eight-digit BSN of the sample comes out with nine digits.
        #expect(decoded.items.compactMap { $0.text("bsn", in: object) }.allSatisfy { $0.count == 9 })
        // CRLF inside the quoted WERKERVARING of Berhane becomes LF.
        let berhane = try #require(decoded.items.first { $0.text("achternaam", in: object) == "Berhane" })
        let werk = try #require(berhane.text("werkervaring", in: object))
        #expect(werk.contains("\n"))
        #expect(!werk.contains("\r"))
    }

    @Test("the 2026-11-21 sample (LF, standard header) decodes into 8 clean items")
    func sample21() throws {
        let decoded = try Decoded(try Self.adapter(), Repository.sample("coa", "tvs-export-20261121.csv"))
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.unknownColumns.isEmpty)
        #expect(decoded.items.count == 8)
        for item in decoded.items { #expect(try Self.findings(item).isEmpty, "\(item.position)") }
    }
}
