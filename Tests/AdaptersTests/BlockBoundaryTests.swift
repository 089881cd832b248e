import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import Adapters

/// The decoders read files in blocks; a file must decode the same whatever the block size, so
/// every row, escape, line end and multi-byte character also straddles a block boundary somewhere.
/// Small blocks also send every CSV row down the byte-by-byte path, and 1 MiB blocks nearly all
/// rows down the in-place path: the two must agree.
@Suite("Decoding the same at any block size")
struct BlockBoundaryTests {
    static let blockSizes = [3, 4, 5, 7, 8, 13, 16, 31, 64, 1 << 20]

    /// Everything a decoder reports, written out so two decodings compare as text.
    static func events(_ decoder: any InboundDecoder, _ url: URL, onlyFields: Set<String>? = nil) throws -> [String] {
        var events: [String] = []
        try decoder.decode(url, onlyFields: onlyFields) { event in
            switch event {
            case .unknownColumns(let names): events.append("unknown \(names)")
            case .header(let raw): events.append("header " + describe(raw))
            case .item(let raw): events.append("item " + describe(raw))
            case .trailer(let raw): events.append("trailer " + describe(raw))
            case .fileFinding(let finding): events.append("file \(finding.position) \(finding.rule.rawValue) \(finding.message)")
            case .skippedItem(let position): events.append("skipped \(position)")
            }
        }
        return events
    }

    static func describe(_ raw: RawItem) -> String {
        "\(raw.position) \(raw.texts.map { $0.map { "«\($0)»" } ?? "-" }) \(raw.malformation ?? "") \(raw.screenedSlots) \(raw.controlCharacterSlots)"
    }

    /// The values `forEachValue` reports, as text.
    static func values(_ decoder: any InboundDecoder, _ url: URL, of fields: Set<String>) throws -> [String] {
        var values: [String] = []
        try decoder.forEachValue(in: url, of: fields) { slot, bytes in values.append("\(slot) \(Array(bytes))") }
        return values
    }

    /// COA files with every kind of row: quoted fields with separators, doubled quotes and line
    /// breaks (CR, LF, CRLF) inside, multi-byte UTF-8, a byte order mark, blank lines, malformed
    /// rows, a row with too many fields, and no line end after the last row.
    static func coaFiles() -> [(name: String, bytes: [UInt8])] {
        let rows = [
            CSVDecoderTests.row(),
            CSVDecoderTests.row(["ACHTERNAAM": "Öztürk-Doğan", "VOORNAMEN": "Zeynep Ayşe", "AZC": "AZC “Ter Apel”"]),
            CSVDecoderTests.row(["WERKERVARING": "\"Lasser; \"\"staal\"\"\r\nen ijzer\"", "GEZONDHEID": "\"regel\neen\rtwee\""]),
            CSVDecoderTests.row(["WERKERVARING": "\"\"\"\"", "GEZONDHEID": "\"\""]),
            CSVDecoderTests.row(["ACHTERNAAM": "\"Haddad\" jr", "VOORNAMEN": "  Rania  "]),
            CSVDecoderTests.row(["BSN": "23456782", "VOORNAMEN": "Amina\u{1}"]),
            CSVDecoderTests.row(["GEZONDHEID": "€ 12,50; ☕"]) + ";extra",
            "",
            CSVDecoderTests.row(["ACHTERNAAM": "Yıldız", "WERKERVARING": "\"Monteur\r\nvrachtwagens\""]),
        ]
        var files: [(String, [UInt8])] = []
        for newline in LineEnd.allCases {
            files.append(("rows, \(newline.testDescription)", CSVDecoderTests.file(rows, newline: newline.rawValue)))
            files.append(("rows with BOM, \(newline.testDescription)", CSVDecoderTests.file(rows, newline: newline.rawValue, bom: true)))
        }
        var unterminated = CSVDecoderTests.file(rows)
        unterminated += Array((CSVDecoderTests.row(["WERKERVARING": "\"open"]) + "\n" + CSVDecoderTests.row()).utf8)
        files.append(("an unterminated quote", unterminated))
        var lastRowOpen = CSVDecoderTests.file(rows)
        lastRowOpen += Array(CSVDecoderTests.row(["ACHTERNAAM": "Zonder regeleinde"]).utf8)
        files.append(("no line end after the last row", lastRowOpen))
        var invalid = CSVDecoderTests.file(rows)
        invalid += Array(CSVDecoderTests.row().utf8.prefix(30)) + [0xC3, 0x28, 0xFF] + Array("\n".utf8)
        files.append(("invalid UTF-8", invalid))
        return files
    }

    static func csvDecoder(blockSize: Int) throws -> CSVDecoder {
        var decoder = try CSVDecoder(mapping: try CSVDecoderTests.adapter().mapping)
        decoder.tokenizer.reader = FileBlockReader(blockSize: blockSize)
        return decoder
    }

    @Test("COA rows decode the same at every block size", arguments: blockSizes)
    func csv(blockSize: Int) throws {
        for (name, bytes) in Self.coaFiles() {
            try TempFile.with(bytes) { url in
                let expected = try Self.events(try Self.csvDecoder(blockSize: 1 << 20), url)
                let decoded = try Self.events(try Self.csvDecoder(blockSize: blockSize), url)
                #expect(decoded == expected, "\(name)")
            }
        }
    }

    @Test("the samples decode the same at every block size, also reading only some fields", arguments: blockSizes)
    func csvSamples(blockSize: Int) throws {
        for name in ["tvs-export-20261121.csv", "tvs-export-20261122.csv"] {
            let url = Repository.sample("coa", name)
            let fields: Set<String> = ["bsn", "vnummer", "gemeente"]
            let small = try Self.csvDecoder(blockSize: blockSize), large = try Self.csvDecoder(blockSize: 1 << 20)
            let events = try Self.events(small, url), expectedEvents = try Self.events(large, url)
            #expect(events == expectedEvents, "\(name)")
            let some = try Self.events(small, url, onlyFields: fields), expectedSome = try Self.events(large, url, onlyFields: fields)
            #expect(some == expectedSome, "\(name)")
            let values = try Self.values(small, url, of: fields), expectedValues = try Self.values(large, url, of: fields)
            #expect(values == expectedValues, "\(name)")
            #expect(!values.isEmpty)
        }
    }

    @Test("a row is the same read in place as byte by byte: quoted, escaped, multi-byte, CRLF")
    func inPlaceAndByteByByte() throws {
        // With 3-byte blocks no row fits in a block, so every row is read byte by byte.
        for (name, bytes) in Self.coaFiles() {
            try TempFile.with(bytes) { url in
                let byteByByte = try Self.events(try Self.csvDecoder(blockSize: 3), url)
                let inPlace = try Self.events(try Self.csvDecoder(blockSize: 1 << 20), url)
                #expect(byteByByte == inPlace, "\(name)")
            }
        }
    }

    @Test("DUO records (ISO-8859-15, CRLF) decode the same at every block size", arguments: [1, 2, 3, 7, 100, 101, 1 << 20])
    func fixedWidth(blockSize: Int) throws {
        // The sample with Latin-9 letters in one record, its lines ending in CRLF.
        var bytes: [UInt8] = []
        for (index, line) in try FixedWidthDecoderTests.sampleLines().enumerated() {
            var record = Array(line.utf8)
            if index == 1 { record.replaceSubrange(61..<67, with: [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC]) }
            bytes += record + [13, 10]
        }
        var decoder = try FixedWidthDecoder(mapping: try FixedWidthDecoderTests.adapter().mapping)
        let expected = try TempFile.with(bytes, suffix: ".dat") { try Self.events(decoder, $0) }
        decoder.reader = FileBlockReader(blockSize: blockSize)
        let decoded = try TempFile.with(bytes, suffix: ".dat") { try Self.events(decoder, $0) }
        #expect(decoded == expected)
        #expect(decoded.contains { $0.contains("€ŠšŽžŒ") })
    }

    @Test("JSON lines decode the same at every block size", arguments: [1, 2, 3, 7, 64, 1 << 20])
    func jsonLines(blockSize: Int) throws {
        let sample = try Data(contentsOf: Repository.sample("argonaut", "argonaut-advies-20261122.jsonl"))
        let bytes =
            Array(sample) + Array(#"{"adviesId":"ARG-€","bsn":"123456782","toelichting":"é ☕ 😀"}"#.utf8) + [10, 10] + Array("geen json\n".utf8)
        var decoder = try JSONLinesDecoder(mapping: try Registries.inbound("argonaut-advies").mapping)
        let expected = try TempFile.with(bytes, suffix: ".jsonl") { try Self.events(decoder, $0) }
        decoder.lines.reader = FileBlockReader(blockSize: blockSize)
        let decoded = try TempFile.with(bytes, suffix: ".jsonl") { try Self.events(decoder, $0) }
        #expect(decoded == expected)
    }

    @Test("a file that cannot be read is refused by name, at any block size", arguments: [3, 1 << 20])
    func unreadable(blockSize: Int) throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("ketenpoort-missing-\(UUID().uuidString).csv")
        #expect(throws: KetenpoortError(.inputUnreadable, "")) { try Self.events(try Self.csvDecoder(blockSize: blockSize), missing) }
        #expect(throws: KetenpoortError(.inputUnreadable, "")) { try FileBlockReader(blockSize: blockSize).forEachBlock(of: missing) { _ in } }
    }

    @Test("blocks are exactly the block size but the last, and hold the file in order", arguments: [1, 3, 4096, 1 << 20])
    func blocks(blockSize: Int) throws {
        let bytes = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var read: [UInt8] = []
        var sizes: [Int] = []
        try TempFile.with(bytes, suffix: ".bin") { url in
            try FileBlockReader(blockSize: blockSize).forEachBlock(of: url) { block in
                read += block
                sizes.append(block.count)
            }
        }
        #expect(read == bytes)
        #expect(sizes.dropLast().allSatisfy { $0 == blockSize })
        #expect(sizes.last.map { $0 > 0 && $0 <= blockSize } == true)
    }
}
