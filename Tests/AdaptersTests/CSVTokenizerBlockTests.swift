import Foundation
import Testing

@testable import Adapters

/// The tokenizer against fixed expectations, with a block boundary at every byte of the file in
/// turn: a row, a quoted field, a doubled quote or a CRLF cut in two by a block must read as the
/// same fields on the same lines as when it lies whole in one block.
@Suite("CSV rows split across read blocks")
struct CSVTokenizerBlockTests {
    /// Rows with a quoted separator, doubled quotes, a line break inside quotes, an empty quoted
    /// field and a quote inside an unquoted field; the last row has no line end.
    static func file(lineEnd: String) -> [UInt8] {
        let rows = ["BSN;NAAM;WERK", #"1;"Lasser; ""staal""\#(lineEnd)en ijzer";3"#, #"4;"";"q""#, #"5;Haddad "jr";"tail""#]
        return Array(rows.joined(separator: lineEnd).utf8)
    }

    static let expectedFields = [
        ["BSN", "NAAM", "WERK"],
        ["1", "Lasser; \"staal\"\nen ijzer", "3"],
        ["4", "", "q"],
        ["5", "Haddad \"jr\"", "tail"],
    ]
    static let expectedLines = [1, 2, 4, 5]

    static func rows(_ url: URL, blockSize: Int) throws -> (fields: [[String]], lines: [Int]) {
        var tokenizer = CSVTokenizer(separator: UInt8(ascii: ";"), quote: UInt8(ascii: "\""))
        tokenizer.reader = FileBlockReader(blockSize: blockSize)
        var fields: [[String]] = []
        var lines: [Int] = []
        try tokenizer.forEachRow(of: url) { row in
            fields.append((0..<row.count).map { row.string($0) ?? "<not UTF-8>" })
            lines.append(row.line)
        }
        return (fields, lines)
    }

    @Test("every block size from 3 bytes to the whole file reads the same rows", arguments: ["\n", "\r\n"])
    func everySplit(lineEnd: String) throws {
        let bytes = Self.file(lineEnd: lineEnd)
        try TempFile.with(bytes) { url in
            // A block of n bytes puts a boundary after byte n: every byte of the file is a boundary once.
            for blockSize in 3...(bytes.count + 1) {
                let (fields, lines) = try Self.rows(url, blockSize: blockSize)
                #expect(fields == Self.expectedFields, "block size \(blockSize)")
                #expect(lines == Self.expectedLines, "block size \(blockSize)")
            }
        }
    }

    @Test("rows repeated past a block boundary: the in-place path hands over to the byte path mid-block")
    func manyRowsAcrossBlocks() throws {
        let rows = Self.file(lineEnd: "\r\n") + Array("\r\n".utf8)
        let bodyRows = rows.split(separator: 10, maxSplits: 1).last.map(Array.init) ?? []
        // A header, then the three data rows 50 times: rows fall on block boundaries at many offsets.
        let bytes = Array("BSN;NAAM;WERK\r\n".utf8) + Array((0..<50).map { _ in bodyRows }.joined())
        try TempFile.with(bytes) { url in
            for blockSize in [64, 97, 128, 1 << 20] {
                let (fields, lines) = try Self.rows(url, blockSize: blockSize)
                #expect(fields.count == 151, "block size \(blockSize)")
                #expect(fields.dropFirst().enumerated().allSatisfy { $1 == Self.expectedFields[1 + $0 % 3] }, "block size \(blockSize)")
                #expect(lines.last == 1 + 50 * 4, "block size \(blockSize)")
            }
        }
    }
}
