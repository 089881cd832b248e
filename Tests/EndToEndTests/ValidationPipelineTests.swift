import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Testing

/// Flows' `ValidationPipeline` over real files: file-level rules, sequence numbers, uniqueness.
@Suite("Validation pipeline")
struct ValidationPipelineTests {
    static func pipeline(_ contract: String, clock: FixedWallClock = Clock.referenceDay, lastSequence: Int? = nil, findingLimit: Int = 100_000) throws
        -> ValidationPipeline
    {
        ValidationPipeline(
            adapter: try Repository.workspace().adapters.inbound(contract: contract), clock: clock, lastSequence: lastSequence,
            findingLimit: findingLimit)
    }

    struct Seen {
        var clean = 0
        var quarantined = 0
    }

    /// Runs the pipeline and counts what `onItem` saw.
    static func run(_ pipeline: ValidationPipeline, _ url: URL) throws -> (ValidationReport, Seen) {
        var seen = Seen()
        let report = try pipeline.run(url) { _, isClean in
            if isClean { seen.clean += 1 } else { seen.quarantined += 1 }
        }
        return (report, seen)
    }

    // MARK: DUO file rules

    static let duoBad: [(String, RuleCode)] = [
        ("duo-bad-trailer-count.dat", .recordCount),
        ("duo-bad-control-total.dat", .controlTotal),
        ("duo-missing-trailer.dat", .structure),
    ]

    @Test("a bad trailer count, a bad control total or a missing trailer rejects the whole DUO file", arguments: duoBad)
    func duoFileFindings(file: String, rule: RuleCode) throws {
        let (report, seen) = try Self.run(try Self.pipeline("duo-status-extract", clock: Clock.duoDay), Repository.fixture(file))
        #expect(report.isRejected)
        #expect(report.findings.map(\.rule) == [rule])
        #expect(report.findings.allSatisfy { $0.level == .file })
        #expect(report.items == 5)
        #expect(report.rejected == 5)
        #expect(report.accepted == 0)
        #expect(report.quarantined == 0)
        // Items are handed on provisionally while reading; the report decides.
        #expect(seen.clean == 5)
    }

    @Test("the trailer findings point at the trailer record")
    func trailerPositions() throws {
        let pipeline = try Self.pipeline("duo-status-extract", clock: Clock.duoDay)
        let count = try pipeline.run(Repository.fixture("duo-bad-trailer-count.dat"))
        #expect(count.findings.first?.position == .record(7))
        #expect(count.findings.first?.field == "aantal")
        let total = try pipeline.run(Repository.fixture("duo-bad-control-total.dat"))
        #expect(total.findings.first?.position == .record(7))
        #expect(total.findings.first?.field == "controletotaal")
    }

    @Test("the good DUO files are accepted with every record")
    func duoGood() throws {
        let pipeline = try Self.pipeline("duo-status-extract", clock: Clock.duoDay)
        let (report22, seen22) = try Self.run(pipeline, Repository.sample("duo", "duo-inburgering-20261122.dat"))
        #expect(!report22.isRejected)
        #expect(report22.findings.isEmpty)
        #expect((report22.items, report22.accepted, report22.quarantined, report22.rejected) == (30, 30, 0, 0))
        #expect(seen22.clean == 30)
        let report23 = try pipeline.run(Repository.sample("duo", "duo-inburgering-20261123.dat"))
        #expect(!report23.isRejected)
        #expect((report23.items, report23.accepted) == (5, 5))
    }

    @Test("a DUO record of the wrong length is quarantined; the rest of the file stands")
    func duoShortLine() throws {
        let (report, seen) = try Self.run(try Self.pipeline("duo-status-extract", clock: Clock.duoDay), Repository.fixture("duo-short-line.dat"))
        #expect(!report.isRejected)
        #expect(report.findings.map(\.rule) == [.malformed])
        #expect(report.findings.first?.position == .record(4))
        #expect((report.items, report.accepted, report.quarantined, report.rejected) == (5, 4, 1, 0))
        #expect((seen.clean, seen.quarantined) == (4, 1))
    }

    @Test("structural defects of DUO files reject them", arguments: ["header on line 2", "record after the trailer", "unknown record type"])
    func duoStructure(name: String) throws {
        func make(_ l: [String]) -> [String] {
            switch name {
            case "header on line 2": [l[1], l[0]] + l[2...]
            case "record after the trailer": l + [l[1]]
            default: [l[0], "Q" + l[1].dropFirst()] + l[2...]
            }
        }
        let lines = String(decoding: try Data(contentsOf: Repository.sample("duo", "duo-inburgering-20261122.dat")), as: UTF8.self).split(
            separator: "\n"
        ).map(String.init)
        try TempDirectory.with { directory in
            let file = try directory.write("duo-inburgering-20261122.dat", make(lines).joined(separator: "\n") + "\n")
            let report = try Self.pipeline("duo-status-extract").run(file)
            #expect(report.isRejected, "\(name)")
            #expect(report.findings.contains { $0.rule == .structure && $0.level == .file }, "\(name)")
            #expect(report.accepted == 0)
            #expect(report.rejected == report.items)
        }
    }

    // MARK: Sequence numbers

    @Test(
        "the sample (sequence 42) follows 41; a repeat (42) or a gap (40) is rejected",
        arguments: [(41, true), (42, false), (40, false), (0, false)])
    func sequence(last: Int, accepted: Bool) throws {
        let report = try Self.pipeline("duo-status-extract", lastSequence: last).run(Repository.sample("duo", "duo-inburgering-20261122.dat"))
        #expect(report.isRejected == !accepted)
        if accepted {
            #expect(report.findings.isEmpty)
            #expect(report.accepted == 30)
        } else {
            #expect(report.findings.map(\.rule) == [.sequence])
            #expect(report.findings.first?.level == .file)
            #expect(report.findings.first?.position == .record(1))
            #expect(report.findings.first?.field == "volgnummer")
            #expect(report.rejected == 30)
            #expect(report.accepted == 0)
        }
    }

    @Test("without a last sequence number the sequence is not checked")
    func noSequenceCheck() throws {
        let report = try Self.pipeline("duo-status-extract").run(Repository.sample("duo", "duo-inburgering-20261122.dat"))
        #expect(!report.isRejected)
        let next = try Self.pipeline("duo-status-extract", clock: Clock.duoDay, lastSequence: 42).run(
            Repository.sample("duo", "duo-inburgering-20261123.dat"))
        #expect(!next.isRejected)
        #expect(next.findings.isEmpty)
    }

    // MARK: Uniqueness

    @Test("both rows of a duplicate BSN or V-number are quarantined; three occurrences give three findings")
    func duplicates() throws {
        let rows: [[String: String]] = [
            ["BSN": "123456782", "VNUMMER": "1000000001"],  // 2: BSN twice
            ["BSN": "123456782", "VNUMMER": "1000000002"],  // 3
            ["BSN": "111222333", "VNUMMER": "1000000003"],  // 4: V-number twice
            ["BSN": "999999990", "VNUMMER": "1000000003"],  // 5
            ["BSN": "100000009", "VNUMMER": "1000000005"],  // 6: BSN three times
            ["BSN": "100000009", "VNUMMER": "1000000006"],  // 7
            ["BSN": "100000009", "VNUMMER": "1000000007"],  // 8
            ["BSN": "12345672", "VNUMMER": "1000000008"],  // 9: the same BSN with eight and nine digits
            ["BSN": "012345672", "VNUMMER": "1000000009"],  // 10
            ["BSN": "945807302", "VNUMMER": "1000000010"],  // 11: unique
            ["BSN": "", "VNUMMER": "1000000011"],  // 12: empty BSNs are not duplicates
            ["BSN": "", "VNUMMER": "1000000012"],  // 13
        ]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            let (report, seen) = try Self.run(try Self.pipeline("coa-tvs-export"), file)
            #expect(!report.isRejected)
            let unique = report.findings.filter { $0.rule == .unique }
            #expect(unique.count == report.findings.count, "\(report.findings)")
            let found = unique.map { "\($0.position.number):\($0.field ?? "")" }
            #expect(found == ["2:bsn", "3:bsn", "4:vnummer", "5:vnummer", "6:bsn", "7:bsn", "8:bsn", "9:bsn", "10:bsn"])
            #expect(unique.filter { $0.position.number >= 6 && $0.position.number <= 8 }.count == 3)
            #expect((report.items, report.accepted, report.quarantined, report.rejected) == (12, 3, 9, 0))
            #expect((seen.clean, seen.quarantined) == (3, 9))
        }
    }

    @Test("quotes inside unquoted free text do not hide later duplicates")
    func strayQuoteBeforeDuplicates() throws {
        let rows: [[String: String]] = [
            ["BSN": "111222333", "VNUMMER": "1000000001", "WERKERVARING": "Monteur van 5\" schermen"],  // 2
            ["BSN": "123456782", "VNUMMER": "1000000002", "ACHTERNAAM": "O\"Brien"],  // 3
            ["BSN": "123456782", "VNUMMER": "1000000003"],  // 4
            ["BSN": "999999990", "VNUMMER": "1000000004", "AZC": "AZC \"De Haven"],  // 5
            ["BSN": "100000009", "VNUMMER": "1000000004"],  // 6
        ]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            let report = try Self.pipeline("coa-tvs-export").run(file)
            #expect(
                report.findings.map { "\($0.position.number):\($0.field ?? ""):\($0.rule)" } == [
                    "3:bsn:record.unique", "4:bsn:record.unique", "5:vnummer:record.unique", "6:vnummer:record.unique",
                ])
            #expect((report.items, report.accepted, report.quarantined) == (5, 1, 4))
        }
    }

    @Test("duplicates are found past quoted multi-line free text and across the 1 MiB read chunks")
    func duplicatesPastQuotedTextAcrossChunks() throws {
        // The pre-scan reads only the key columns and skips the rest of each row: quoted text
        // with separators, doubled quotes and line breaks must not throw it off, also where a
        // 1 MiB chunk ends inside such text.
        let free = "\"Monteur; \"\"chef\"\" ploeg\nlassen;" + String(repeating: "x", count: 400) + "\""
        var rows: [[String: String]] = []
        for index in 0..<3_000 {
            rows.append(["BSN": "", "VNUMMER": String(1_000_000_000 + index), "WERKERVARING": free, "GEZONDHEID": "\"a;\"\"b\"\"\""])
        }
        rows[1]["VNUMMER"] = rows[0]["VNUMMER"]
        rows[2_999]["VNUMMER"] = rows[2_400]["VNUMMER"]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            #expect(try FileManager.default.attributesOfItem(atPath: file.path)[.size] as! Int > 1 << 20)
            let report = try Self.pipeline("coa-tvs-export").run(file)
            // Each row takes two physical lines: data row n starts on line 2n.
            #expect(
                report.findings.map { "\($0.position.number):\($0.field ?? ""):\($0.rule)" } == [
                    "2:vnummer:record.unique", "4:vnummer:record.unique", "4802:vnummer:record.unique", "6000:vnummer:record.unique",
                ])
            #expect((report.items, report.accepted, report.quarantined) == (3_000, 2_996, 4))
        }
    }

    @Test("control characters read from the CSV bytes are refused; tab and line breaks in text are not")
    func controlCharacters() throws {
        let rows: [[String: String]] = [
            ["VNUMMER": "1000000001", "BSN": "", "ACHTERNAAM": "An\u{0B}a"],  // 2
            ["VNUMMER": "1000000002", "BSN": "", "VOORNAMEN": "Rania\u{7F}"],  // 3
            ["VNUMMER": "1000000003", "BSN": "", "WERKERVARING": "\"regel één\nregel\ttwee\""],  // 4 (two lines)
            ["VNUMMER": "1000000004", "BSN": "", "AZC": "AZC\u{00}Gilze"],  // 6
        ]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            let report = try Self.pipeline("coa-tvs-export").run(file)
            #expect(
                report.findings.map { "\($0.position.number):\($0.field ?? ""):\($0.rule)" } == [
                    "2:achternaam:field.characters", "3:voornamen:field.characters", "6:azc:field.characters",
                ])
            #expect((report.items, report.accepted, report.quarantined) == (4, 1, 3))
        }
    }

    @Test("a row holding both a duplicate BSN and a duplicate V-number gets both findings")
    func doubleDuplicate() throws {
        let rows: [[String: String]] = [["BSN": "123456782", "VNUMMER": "1000000001"], ["BSN": "123456782", "VNUMMER": "1000000001"]]
        try TempDirectory.with { directory in
            let file = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            let report = try Self.pipeline("coa-tvs-export").run(file)
            #expect(
                report.findings.map { "\($0.position.number):\($0.field ?? ""):\($0.rule)" } == [
                    "2:bsn:record.unique", "2:vnummer:record.unique", "3:bsn:record.unique", "3:vnummer:record.unique",
                ])
            #expect(report.quarantined == 2)
        }
    }

    @Test("a BSN twice in a DUO extract quarantines both detail records")
    func duoDuplicate() throws {
        var lines = String(decoding: try Data(contentsOf: Repository.sample("duo", "duo-inburgering-20261122.dat")), as: UTF8.self).split(
            separator: "\n"
        ).map(String.init)
        let trailer = lines.removeLast()
        lines.append(lines[5])
        let details = lines.dropFirst()
        let total = details.map { Int($0.dropFirst().prefix(9))! }.reduce(0, +) % 1_000_000_000_000_000
        let count = String(details.count), sum = String(total)
        let newTrailer = "T" + String(repeating: "0", count: 9 - count.count) + count + String(repeating: "0", count: 15 - sum.count) + sum
        lines.append(newTrailer.padding(toLength: 100, withPad: " ", startingAt: 0))
        #expect(trailer != lines.last)
        try TempDirectory.with { directory in
            let file = try directory.write("duo-inburgering-20261122.dat", lines.joined(separator: "\n") + "\n")
            let report = try Self.pipeline("duo-status-extract").run(file)
            #expect(!report.isRejected, "\(report.findings)")
            #expect(report.findings.map { "\($0.position):\($0.rule)" } == ["record 6:record.unique", "record 32:record.unique"])
            #expect((report.items, report.accepted, report.quarantined) == (31, 29, 2))
        }
    }

    // MARK: The COA fixture in process

    @Test("the COA fixture gives the expected findings on the reference day")
    func coaFixture() throws {
        let data = try Data(contentsOf: Repository.fixture("coa-one-bad-row-of-each-kind.expected.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let dataRows = try #require(expected["dataRows"] as? Int)
        let findings = try #require(expected["findings"] as? [[String: Any]]).map {
            "\($0["line"] as? Int ?? 0) \($0["field"] as? String ?? "") \($0["rule"] as? String ?? "")"
        }
        let (report, seen) = try Self.run(try Self.pipeline("coa-tvs-export"), Repository.fixture("coa-one-bad-row-of-each-kind.csv"))
        #expect(report.findings.map { "\($0.position.number) \($0.field ?? "") \($0.rule)" } == findings)
        #expect(report.findings.allSatisfy { if case .line = $0.position { true } else { false } })
        #expect(report.items == dataRows)
        #expect(report.accepted + report.quarantined == dataRows)
        #expect(report.accepted == seen.clean)
        #expect(report.quarantined == seen.quarantined)
        #expect(!report.isRejected)
    }

    @Test("findings beyond the limit are counted, not listed")
    func findingLimit() throws {
        let report = try Self.pipeline("coa-tvs-export", findingLimit: 4).run(Repository.fixture("coa-one-bad-row-of-each-kind.csv"))
        #expect(report.findings.count == 4)
        #expect(report.findingsNotListed == 11)
        #expect(report.quarantined == 15)
    }

    @Test("the COA samples are accepted in full on the reference day")
    func coaSamples() throws {
        let pipeline = try Self.pipeline("coa-tvs-export")
        let report22 = try pipeline.run(Repository.sample("coa", "tvs-export-20261122.csv"))
        #expect((report22.items, report22.accepted, report22.findings.count) == (24, 24, 0))
        #expect(report22.unknownColumns == ["OPMERKING_INTERN"])
        let report21 = try pipeline.run(Repository.sample("coa", "tvs-export-20261121.csv"))
        #expect((report21.items, report21.accepted, report21.findings.count) == (8, 8, 0))
    }

    @Test("the Argonaut and consent files through the pipeline")
    func jsonLines() throws {
        let bad = try Self.pipeline("argonaut-advies").run(Repository.fixture("argonaut-bad.jsonl"))
        #expect(!bad.isRejected)
        #expect(bad.findings.map { "\($0.position.number) \($0.rule)" } == ["2 record.malformed", "3 field.enum", "4 field.bsn"])
        #expect((bad.items, bad.accepted, bad.quarantined) == (5, 2, 3))
        let advice = try Self.pipeline("argonaut-advies").run(Repository.sample("argonaut", "argonaut-advies-20261122.jsonl"))
        #expect((advice.items, advice.accepted) == (8, 8))
        // A consent id may repeat (a later line supersedes), so it is not a duplicate.
        let consent = try Self.pipeline("toestemming").run(Repository.sample("toestemming", "toestemming-20261122.jsonl"))
        #expect((consent.items, consent.accepted) == (8, 8))
        #expect(consent.findings.isEmpty)
    }
}
