import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Testing

/// Files larger than the decoders' read chunks: whatever the chunk size (a power of two up to
/// 1 MiB), byte 2^20 is a chunk boundary, so each test puts a delicate sequence right on it.
@Suite("Decoding across read-chunk boundaries")
struct LargeFileTests {
    static let boundary = 1 << 20

    /// A COA file whose special row has the bytes `tail` of its last column placed so that the
    /// chunk boundary falls `shift` bytes into `tail`; followed by one ordinary row.
    static func coaFile(tail: String, shift: Int, newline: String) -> (bytes: [UInt8], fillerRows: Int, specialLine: Int) {
        let header = CSVDecoderTests.columns.joined(separator: ";") + newline
        var bytes = Array(header.utf8)
        var rows = 0
        while bytes.count < boundary - 4000 {
            bytes += Array(
                (CSVDecoderTests.row(["WERKERVARING": "\"Lasser; \"\"staal\"\"\(newline)en ijzer\"", "GEZONDHEID": "regel \(rows)"]) + newline).utf8)
            rows += 1
        }
        // Lines so far: the header, two per filler row.
        let specialLine = 2 + rows * 2
        let before = Array(CSVDecoderTests.row(["GEZONDHEID": ""]).utf8)  // ends with the separator before GEZONDHEID
        let padding = boundary - shift - bytes.count - before.count - 1  // 1: the opening quote
        bytes += before + Array("\"".utf8) + Array(String(repeating: "x", count: padding).utf8) + Array(tail.utf8) + Array(newline.utf8)
        bytes += Array((CSVDecoderTests.row(["ACHTERNAAM": "Na de grens"]) + newline).utf8)
        return (bytes, rows, specialLine)
    }

    static let tail = "a\"\"b\r\nc\""

    @Test("a CSV row is read the same wherever the chunk boundary falls in it", arguments: Array(0...(tail.utf8.count + 2)))
    func csvBoundary(shift: Int) throws {
        let adapter = try CSVDecoderTests.adapter()
        let object = adapter.mapping.item.object
        let (bytes, fillerRows, specialLine) = Self.coaFile(tail: Self.tail, shift: shift, newline: "\r\n")
        let decoded = try TempFile.with(bytes) { try Decoded(adapter, $0) }
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == fillerRows + 2)
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        let special = decoded.items[fillerRows]
        #expect(special.position == .line(specialLine))
        let value = try #require(special.text("gezondheid", in: object))
        #expect(value.hasSuffix("xa\"b\nc"))
        #expect(!value.contains("\r"))
        let last = try #require(decoded.items.last)
        #expect(last.position == .line(specialLine + 2))
        #expect(last.text("achternaam", in: object) == "Na de grens")
        #expect(decoded.items[fillerRows - 1].text("werkervaring", in: object) == "Lasser; \"staal\"\nen ijzer")
        #expect(decoded.items[fillerRows - 1].text("gezondheid", in: object) == "regel \(fillerRows - 1)")
    }

    @Test("a CRLF row end split by the chunk boundary ends the row once", arguments: [0, 1, 2, 3])
    func crlfOnBoundary(shift: Int) throws {
        let adapter = try CSVDecoderTests.adapter()
        // The tail is just the closing quote: the row's CRLF follows it on the boundary.
        let (bytes, fillerRows, specialLine) = Self.coaFile(tail: "\"", shift: shift - 1, newline: "\r\n")
        let decoded = try TempFile.with(bytes) { try Decoded(adapter, $0) }
        #expect(decoded.items.count == fillerRows + 2)
        #expect(decoded.items.last?.position == .line(specialLine + 1))
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
    }

    @Test("a DUO extract larger than a chunk: every record is read whole")
    func duoLarge() throws {
        let adapter = try FixedWidthDecoderTests.adapter()
        let detail = adapter.mapping.item.object
        let lines = try FixedWidthDecoderTests.sampleLines()
        let template = lines[1]
        let count = 12_000  // 12 000 × 101 bytes > 1 MiB
        var text = lines[0] + "\n"
        for index in 0..<count {
            let bsn = String(100_000_000 + index)
            text += "D" + bsn + template.dropFirst(10) + "\n"
        }
        text += "T" + String(format: "%09d", count) + String(repeating: "0", count: 15) + String(repeating: " ", count: 75) + "\n"
        let decoded = try TempFile.with(text, suffix: ".dat") { try Decoded(adapter, $0) }
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.headers.count == 1)
        #expect(decoded.trailers.count == 1)
        #expect(decoded.items.count == count)
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        let expected = (0..<count).map { String(100_000_000 + $0) }
        #expect(decoded.items.map { $0.text("bsn", in: detail) ?? "" } == expected)
        #expect(decoded.items.allSatisfy { $0.text("gemeente", in: detail) == "GM0363" })
    }

    @Test("a JSON-lines file larger than a chunk: every line is read whole and numbered")
    func jsonLinesLarge() throws {
        let adapter = try Registries.inbound("argonaut-advies")
        let object = adapter.mapping.item.object
        let count = 9_000
        var text = ""
        for index in 0..<count {
            text +=
                #"{"adviesId":"ARG-\#(index)","bsn":"123456782","datum":"2026-11-18","uitkomst":"geen-ontheffing","toelichting":"\#(String(repeating: "é", count: 40))"}"#
                + "\n"
        }
        #expect(text.utf8.count > Self.boundary)
        let decoded = try TempFile.with(text, suffix: ".jsonl") { try Decoded(adapter, $0) }
        #expect(decoded.items.count == count)
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        #expect(decoded.items.map(\.position) == (1...count).map { .line($0) })
        #expect(decoded.items.map { $0.text("adviesId", in: object) ?? "" } == (0..<count).map { "ARG-\($0)" })
    }
}
