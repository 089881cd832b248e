import Foundation
import KetenpoortTesting
import Testing

/// The next night's snapshot `bench-sync --second-night` times: the same persons, with a known few
/// changed, moved and gone, and new ones after them; every other row exactly as the night before.
@Suite("Benchmark snapshots: the night after a first one")
struct SecondNightSnapshotTests {
    /// The data rows of a generated snapshot, by V-nummer (the second field).
    static func rows(_ generator: SnapshotGenerator) throws -> [String: [Substring]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("night-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try generator.write(to: url)
        // The generated free text holds a quoted line break: split on the line breaks outside quotes.
        var rows: [String: [Substring]] = [:]
        var quoted = false, start = 0
        let text = try String(contentsOf: url, encoding: .utf8)
        let bytes = Array(text.utf8)
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            guard byte == 10, !quoted else { continue }
            let line = Substring(decoding: bytes[start..<index], as: UTF8.self)
            start = index + 1
            let fields = line.split(separator: ";", omittingEmptySubsequences: false)
            if fields[1] != "VNUMMER" { rows[String(fields[1])] = fields }
        }
        return rows
    }

    @Test("2 % change their lesson hours, 0.5 % of the linked move, 0.25 % are gone, 1 % are new; the rest is unchanged")
    func changes() throws {
        let count = 4_000
        let first = try Self.rows(SnapshotGenerator(rows: count, municipalities: 12))
        let second = try Self.rows(SnapshotGenerator(rows: count, municipalities: 12, night: 2))
        #expect(first.count == count)
        var changed = 0, moved = 0, same = 0
        for index in 0..<count {
            let vnummer = String(1_000_000_000 + index)
            guard let before = first[vnummer] else {
                Issue.record("row \(index) missing from the first night")
                continue
            }
            guard let after = second[vnummer] else {
                #expect(index % 400 == 5, "row \(index) gone")
                continue
            }
            #expect(index % 400 != 5, "row \(index) should be gone")
            if before == after {
                same += 1
                continue
            }
            // GEMEENTE is field 12, TAALLES_UREN field 16; nothing else differs.
            let differing = before.indices.filter { before[$0] != after[$0] }
            if differing == [12] {
                #expect(index % 200 == 3 && !before[12].isEmpty)
                moved += 1
            } else {
                #expect(differing == [16] && index % 50 == 1)
                #expect(Int(after[16])! == Int(before[16])! + 600)
                changed += 1
            }
        }
        #expect(changed == count / 50 && moved > 0 && moved <= count / 200)
        #expect(same == count - changed - moved - count / 400)
        #expect(second.count == count - count / 400 + count / 100)
    }
}
