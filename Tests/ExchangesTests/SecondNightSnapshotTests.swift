import Foundation
import KetenpoortTesting
import Testing

@testable import Adapters

/// The next night's snapshot `bench-sync --second-night` times: the same persons, with a known few
/// changed, moved and gone, and new ones after them; every other row exactly as the night before.
@Suite("Benchmark snapshots: the night after a first one")
struct SecondNightSnapshotTests {
    /// The data rows of a generated snapshot (read with the gateway's own CSV tokenizer), by
    /// V-nummer (the second field).
    static func rows(_ generator: SnapshotGenerator) throws -> [String: [String]] {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("night-\(UUID().uuidString).csv")
        defer { try? FileManager.default.removeItem(at: url) }
        try generator.write(to: url)
        var rows: [String: [String]] = [:]
        try CSVTokenizer(separator: UInt8(ascii: ";"), quote: UInt8(ascii: "\"")).forEachRow(of: url) { row in
            let fields = (0..<row.count).map { row.string($0) ?? "" }
            if fields[1] != "VNUMMER" { rows[fields[1]] = fields }
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
