import Foundation
import Testing

@testable import Exchanges

/// The night's staged records: kept per municipality in file order, read back whole.
@Suite("Staged record file")
struct StagedRecordFileTests {
    private func entry(_ line: Int, _ gemeente: String, record: Int) -> StagedRecordFile.Entry {
        StagedRecordFile.Entry(
            line: line, isHoused: line % 3 == 0, person: "p\(line)", gemeente: gemeente, contentHash: "h\(line)",
            bsn: line % 5 == 0 ? nil : "bsn\(line)", vnummer: line % 7 == 0 ? nil : "v\(line)",
            record: [UInt8](repeating: UInt8(line % 251), count: record))
    }

    @Test("each municipality's records come back in file order with every field, across chunks and write buffers")
    func readsBackPerMunicipality() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("staged-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = try StagedRecordFile(url: directory.appendingPathComponent("night.records"))
        // Three municipalities interleaved; records large enough to pass the 256 KiB write buffer many times.
        let codes = ["0014", "0363", "0599"]
        var expected: [Int: [Int]] = [:]
        for line in 1...1_000 {
            let number = [1, 2, 2, 5][line % 4]
            try file.append(entry(line, codes[min(number, 3) - 1], record: line % 10 == 0 ? 0 : 3_000), number: number)
            expected[number, default: []].append(line)
        }
        try file.finish()
        #expect(file.numbers == [1, 2, 5])
        for number in file.numbers {
            var lines: [Int] = []
            try file.forEach(of: number) { read in
                let written = entry(read.line, read.gemeente, record: read.line % 10 == 0 ? 0 : 3_000)
                #expect(read.person == written.person && read.contentHash == written.contentHash && read.isHoused == written.isHoused)
                #expect(read.bsn == written.bsn && read.vnummer == written.vnummer && read.record == written.record)
                lines.append(read.line)
            }
            #expect(lines == expected[number])
        }
        try file.forEach(of: 3) { _ in Issue.record("municipality 3 has no records") }
        try file.forEach(of: 99) { _ in Issue.record("municipality 99 has no records") }
    }
}
