import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import Exchanges

/// A municipality's document is written through a part file that leaves room for its head: the
/// bytes must be the same whether the head fits that room, comes out longer or shorter, or the
/// document never leaves memory; and nothing of a dropped document stays on disk.
@Suite("Notification documents through part files")
struct KennisgevingWriterTests {
    static func outbound() throws -> OutboundAdapter { try Repository.workspace().adapters.outbound(partner: .gemeente) }

    static func context(count: Int) -> [String: String] {
        ["gemeente": "GM0363", "batch": "GM0363-tvs-export-20261122", "aangemaakt": "2026-11-22T02:00:04+01:00", "aantal": String(count)]
    }

    /// Items of distinct lengths, so a misplaced byte shows.
    static let items: [[UInt8]] = (0..<40).map { Array("<Kennisgeving n=\"\($0)\">\(String(repeating: "x", count: $0))</Kennisgeving>\n".utf8) }

    /// The document `items` should make: head, items, tail.
    static func expected(count: Int) throws -> [UInt8] {
        let adapter = try outbound()
        var head: [UInt8] = []
        adapter.begin(context: context(count: count), into: &head)
        var tail: [UInt8] = []
        adapter.end(context: context(count: count), into: &tail)
        return head + items.joined() + tail
    }

    /// Writes the items, flushing after every `flushEvery` of them (0: never), with `reservedHead`
    /// bytes left for the head.
    static func write(reservedHeadDelta delta: Int, flushEvery: Int, in directory: TempDirectory) throws -> URL {
        var head: [UInt8] = []
        try outbound().begin(context: context(count: items.count), into: &head)
        let writer = KennisgevingWriter(gemeente: "GM0363", directory: directory.url, reservedHead: max(0, head.count + delta))
        for (index, item) in items.enumerated() {
            writer.buffer.append(item)
            writer.count += 1
            if flushEvery > 0 && (index + 1) % flushEvery == 0 { try writer.flush() }
        }
        return try writer.finish(adapter: try outbound(), context: context(count: writer.count))
    }

    @Test(
        "the document is head, items and tail whether the head fits its room or not",
        arguments: [(0, 1), (0, 7), (-1, 3), (1, 3), (-20, 5), (25, 40), (0, 0), (-1000, 2)])
    func document(reservedHeadDelta: Int, flushEvery: Int) throws {
        try TempDirectory.with { directory in
            let url = try Self.write(reservedHeadDelta: reservedHeadDelta, flushEvery: flushEvery, in: directory)
            #expect(url.lastPathComponent == "GM0363.xml")
            #expect(Array(try Data(contentsOf: url)) == (try Self.expected(count: Self.items.count)))
            #expect(try directory.contents() == ["GM0363.xml"])
        }
    }

    @Test("a dropped document leaves nothing behind, flushed or not", arguments: [0, 1])
    func discard(flushEvery: Int) throws {
        try TempDirectory.with { directory in
            let writer = KennisgevingWriter(gemeente: "GM0363", directory: directory.url, reservedHead: 200)
            for item in Self.items {
                writer.buffer.append(item)
                if flushEvery > 0 { try writer.flush() }
            }
            writer.discard()
            #expect(try directory.contents().isEmpty)
        }
    }

    @Test("the writers' budget bounds the buffered bytes: each writes out at its share of it")
    func budget() throws {
        try TempDirectory.with { directory in
            let limits = KennisgevingWriters.Limits(budget: 1_000, smallestFlush: 100, largestFlush: 10_000)
            var writers = KennisgevingWriters(directory: directory.url, limits: limits)
            for index in 0..<200 {
                try writers.append(to: "GM\(1000 + index % 4)") { $0.append(Self.items[index % Self.items.count]) }
                // Four writers: a share of 250 bytes each, plus the item that crossed it at most.
                #expect(writers.writers.values.allSatisfy { $0.buffer.count < 250 + 100 })
            }
            writers.discardAll()
            #expect(try directory.contents().isEmpty)
        }
    }

    /// COA rows for two municipalities: GM0001 has ten rows of which one fails validation — the
    /// pre-scan counts ten, nine are written, so its head comes out one byte shorter than the room
    /// left for it; GM0002 has five clean rows.
    static func snapshot() -> String {
        var rows: [[String: String]] = []
        var bsn = 100_000_009  // 11-test: 9·1 + 8·0 + … − 9 = 0
        func nextBSN() -> String {
            repeat { bsn += 1 } while !BSN.isValid(Array(String(bsn).utf8))
            return String(bsn)
        }
        for index in 0..<10 {
            rows.append([
                "BSN": nextBSN(), "VNUMMER": String(2_000_000_000 + index), "GEMEENTE": "GM0001",
                "GEBOORTEDATUM": index == 4 ? "31-02-1990" : "15-07-1984",
            ])
        }
        for index in 0..<5 {
            rows.append([
                "BSN": nextBSN(), "VNUMMER": String(3_000_000_000 + index), "GEMEENTE": "GM0002", "WERKERVARING": "\"Lasser; \"\"staal\"\"\"",
            ])
        }
        return COARows.file(rows)
    }

    @Test("a translation writes the same bytes whether its documents stay in memory or go through part files")
    func translationThroughPartFiles() throws {
        try TempDirectory.with { directory in
            let input = try directory.write("tvs-export-20261122.csv", Self.snapshot())
            var inMemory = try CoaToGemeenteTranslation(workspace: try Repository.workspace(), clock: ReferenceClock.referenceDay)
            inMemory.outputLimits = KennisgevingWriters.Limits()
            var throughParts = inMemory
            throughParts.outputLimits = KennisgevingWriters.Limits(budget: 1, smallestFlush: 1, largestFlush: 1)
            let first = directory.file("in-memory"), second = directory.file("part-files")
            let report = try inMemory.run(input: input, into: first)
            let again = try throughParts.run(input: input, into: second)
            #expect(report.written == ["GM0001": 9, "GM0002": 5])
            #expect(again.written == report.written)
            for name in ["GM0001.xml", "GM0002.xml"] {
                #expect(try Data(contentsOf: second.appendingPathComponent(name)) == Data(contentsOf: first.appendingPathComponent(name)), "\(name)")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: second.path).sorted() == ["GM0001.xml", "GM0002.xml"])
            let gm0001 = try String(contentsOf: second.appendingPathComponent("GM0001.xml"), encoding: .utf8)
            #expect(gm0001.contains("aantal=\"9\""))
        }
    }
}
