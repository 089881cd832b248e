import Foundation
import KetenpoortTesting
import Testing

/// `ketenpoort validate`, run as a process.
@Suite("CLI validate")
struct ValidateCommandTests {
    /// One finding as the tests compare it.
    struct Expected: Hashable, CustomStringConvertible {
        let line: Int
        let field: String?
        let rule: String
        var description: String { "line \(line) [\(field ?? "-")] \(rule)" }
    }

    static func expectedFindings() throws -> (dataRows: Int, findings: [Expected]) {
        let data = try Data(contentsOf: Repository.fixture("coa-one-bad-row-of-each-kind.expected.json"))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let rows = try #require(object["dataRows"] as? Int)
        let findings = try #require(object["findings"] as? [[String: Any]]).map {
            Expected(line: $0["line"] as? Int ?? -1, field: $0["field"] as? String, rule: $0["rule"] as? String ?? "")
        }
        return (rows, findings)
    }

    /// The findings of `validate --json` output.
    static func findings(_ json: [String: Any]) throws -> [Expected] {
        try #require(json["findings"] as? [[String: Any]]).map { finding in
            let position = finding["position"] as? [String: Any]
            return Expected(
                line: (position?["line"] ?? position?["record"]) as? Int ?? -1, field: finding["field"] as? String,
                rule: finding["rule"] as? String ?? "")
        }
    }

    @Test("the COA fixture with one bad row of each kind gives exactly the expected findings")
    func coaFixture() async throws {
        let output = try await CLI.runDetached([
            "validate", "--contract", "coa-tvs-export", "--json", "Tests/Fixtures/coa-one-bad-row-of-each-kind.csv",
        ])
        #expect(output.status == 0, "\(output)")
        let json = try output.json()
        let (dataRows, expected) = try Self.expectedFindings()
        let findings = try Self.findings(json)
        #expect(findings == expected)
        let accepted = try #require(json["accepted"] as? Int)
        let quarantined = try #require(json["quarantined"] as? Int)
        #expect(json["rejected"] as? Int == 0)
        #expect(json["contract"] as? String == "coa-tvs-export")
        #expect(accepted + quarantined == dataRows)
        #expect(accepted == dataRows - Set(expected.map(\.line)).count)
        #expect(try #require(json["findings"] as? [[String: Any]]).allSatisfy { $0["level"] as? String == "item" })
    }

    @Test("the human report of the COA fixture names every finding and says accepted")
    func coaFixtureHuman() async throws {
        let output = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", "Tests/Fixtures/coa-one-bad-row-of-each-kind.csv"])
        #expect(output.status == 0, "\(output)")
        #expect(output.stdout.contains("items: 23  accepted: 8  quarantined: 15  rejected: 0"))
        for finding in try Self.expectedFindings().findings {
            #expect(output.stdout.contains("line \(finding.line): \(finding.rule) [\(finding.field ?? "")]"), "\(finding)")
        }
        #expect(output.stdout.contains("verdict: accepted"))
    }

    static let duoBad: [(String, String)] = [
        ("duo-bad-trailer-count.dat", "file.record-count"),
        ("duo-bad-control-total.dat", "file.control-total"),
        ("duo-missing-trailer.dat", "file.structure"),
    ]

    @Test("a DUO file with a bad trailer or without one is rejected as a whole", arguments: duoBad)
    func duoRejected(file: String, rule: String) async throws {
        let detailRecords = try String(contentsOf: Repository.fixture(file), encoding: .isoLatin1).split(separator: "\n").filter { $0.hasPrefix("D") }
            .count
        #expect(detailRecords == 5)
        let output = try await CLI.runDetached(["validate", "--contract", "duo-status-extract", "--json", "Tests/Fixtures/\(file)"])
        #expect(output.status == 1, "\(output)")
        let json = try output.json()
        #expect(json["rejected"] as? Int == detailRecords)
        #expect(json["accepted"] as? Int == 0)
        #expect(json["quarantined"] as? Int == 0)
        let findings = try #require(json["findings"] as? [[String: Any]])
        #expect(findings.map { $0["rule"] as? String } == [rule])
        #expect(findings.first?["level"] as? String == "file")

        let human = try await CLI.runDetached(["validate", "--contract", "duo-status-extract", "Tests/Fixtures/\(file)"])
        #expect(human.status == 1)
        #expect(human.stdout.contains("REJECTED"))
        #expect(human.stdout.contains(rule))
    }

    static let good: [(String, String, Int)] = [
        ("coa-tvs-export", "adapters/coa/samples/tvs-export-20261122.csv", 24),
        ("coa-tvs-export", "adapters/coa/samples/tvs-export-20261121.csv", 8),
        ("duo-status-extract", "adapters/duo/samples/duo-inburgering-20261122.dat", 30),
        ("duo-status-extract", "adapters/duo/samples/duo-inburgering-20261123.dat", 5),
        ("argonaut-advies", "adapters/argonaut/samples/argonaut-advies-20261122.jsonl", 8),
        ("toestemming", "adapters/toestemming/samples/toestemming-20261122.jsonl", 8),
    ]

    @Test("a good file is accepted with exit 0", arguments: good)
    func goodFile(contract: String, file: String, items: Int) async throws {
        let output = try await CLI.runDetached(["validate", "--contract", contract, "--json", file])
        #expect(output.status == 0, "\(output)")
        let json = try output.json()
        #expect(json["accepted"] as? Int == items)
        #expect(json["quarantined"] as? Int == 0)
        #expect(json["rejected"] as? Int == 0)
        #expect((json["findings"] as? [Any])?.isEmpty == true)
    }

    @Test("a DUO record of the wrong length is quarantined, the file accepted")
    func duoShortLine() async throws {
        let output = try await CLI.runDetached(["validate", "--contract", "duo-status-extract", "--json", "Tests/Fixtures/duo-short-line.dat"])
        #expect(output.status == 0, "\(output)")
        let json = try output.json()
        #expect(json["accepted"] as? Int == 4)
        #expect(json["quarantined"] as? Int == 1)
        #expect(try Self.findings(json) == [Expected(line: 4, field: nil, rule: "record.malformed")])
    }

    @Test("a rejected COA file (missing column) exits 1")
    func coaMissingColumn() async throws {
        try await TempDirectory.with { directory in
            let header = COA.columns.filter { $0 != "ACHTERNAAM" }
            let text = header.joined(separator: ";") + "\n" + header.map { COA.valid[$0] ?? "" }.joined(separator: ";") + "\n"
            let file = try directory.write("tvs-export-20261122.csv", text)
            let output = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", "--json", file.path])
            #expect(output.status == 1, "\(output)")
            let json = try output.json()
            #expect(try Self.findings(json).map(\.rule) == ["file.missing-column"])
            #expect(json["accepted"] as? Int == 0)
        }
    }

    static let wrongUsage: [[String]] = [
        ["validate", "Tests/Fixtures/duo-short-line.dat"],
        ["validate", "--contract", "duo-status-extract", "--bogus", "Tests/Fixtures/duo-short-line.dat"],
        ["validate", "--contract", "duo-status-extract"],
        ["validate"],
        ["frobnicate"],
        ["translate", "--from", "duo", "--to", "gemeente", "--out", "/tmp/nowhere", "adapters/coa/samples/tvs-export-20261122.csv"],
    ]

    @Test("wrong usage exits 2 with a usage message on stderr", arguments: wrongUsage)
    func usage(arguments: [String]) async throws {
        let output = try await CLI.runDetached(arguments)
        #expect(output.status == 2, "\(output)")
        #expect(!output.stderr.isEmpty)
        #expect(output.stdout.isEmpty)
    }

    @Test("help exits 0")
    func help() async throws {
        let output = try await CLI.runDetached(["validate", "--help"])
        #expect(output.status == 0, "\(output)")
        #expect(output.stdout.contains("--contract"))
    }

    @Test("an unknown contract id fails and lists the known ids")
    func unknownContract() async throws {
        let output = try await CLI.runDetached(["validate", "--contract", "coa-tvs-exprot", "adapters/coa/samples/tvs-export-20261122.csv"])
        #expect(output.status == 2, "\(output)")
        #expect(output.stderr.contains("coa-tvs-exprot"))
        for id in [
            "argonaut-advies", "cbs-levering", "coa-tvs-export", "duo-status-extract", "gemeente-kennisgeving", "ind-statusvraag", "toestemming",
        ] {
            #expect(output.stderr.contains(id), "\(id)")
        }
        #expect(output.stdout.isEmpty)
    }

    @Test("the workspace can be given with --home instead of KETENPOORT_HOME")
    func homeOption() async throws {
        let output = try await CLI.runDetached(
            [
                "validate", "--contract", "toestemming", "--home", Repository.root.path,
                Repository.sample("toestemming", "toestemming-20261122.jsonl").path,
            ],
            environment: ["KETENPOORT_HOME": "/nonexistent"])
        #expect(output.status == 0, "\(output)")
    }

    @Test("KETENPOORT_NOW fixes the moment of validation: a date is future only before it")
    func fixedClock() async throws {
        let file = Repository.fixture("coa-one-bad-row-of-each-kind.csv").path
        let now = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", "--json", file])
        let later = try await CLI.runDetached(
            ["validate", "--contract", "coa-tvs-export", "--json", file], environment: ["KETENPOORT_NOW": "2030-01-01T00:00:00Z"])
        #expect(now.stdout.contains("field.future"))
        #expect(!later.stdout.contains("field.future"), "\(later)")
        let bad = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", file], environment: ["KETENPOORT_NOW": "tomorrow"])
        #expect(bad.status == 2, "\(bad)")
    }

    @Test("the gateway refuses to run with a contract that does not load, naming file and line")
    func brokenContractRefused() async throws {
        try await TempDirectory.with { directory in
            let manager = FileManager.default
            try manager.copyItem(at: Repository.root.appendingPathComponent("contracts"), to: directory.file("contracts"))
            try manager.copyItem(at: Repository.root.appendingPathComponent("adapters"), to: directory.file("adapters"))
            let contract = directory.file("contracts/toestemming.yaml")
            let text = try String(contentsOf: contract, encoding: .utf8)
            let lines = text.components(separatedBy: "\n")
            let index = try #require(lines.firstIndex { $0.contains("logicalType: timestamp") })
            var broken = lines
            broken[index] = broken[index].replacingOccurrences(of: "timestamp", with: "datetime")
            try broken.joined(separator: "\n").write(to: contract, atomically: true, encoding: .utf8)
            let output = try await CLI.runDetached(
                ["validate", "--contract", "coa-tvs-export", "--home", directory.url.path, Repository.sample("coa", "tvs-export-20261122.csv").path])
            #expect(output.status == 3, "\(output)")
            #expect(output.stderr.contains("toestemming.yaml:\(index + 1):"), "\(output)")
            #expect(output.stderr.contains("'datetime' is not one of"), "\(output)")
            #expect(output.stdout.isEmpty)
        }
    }
}
