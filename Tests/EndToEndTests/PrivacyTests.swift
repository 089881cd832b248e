import Foundation
import KetenpoortTesting
import Testing

/// No BSN leaves the gateway in what a person or a log reads: standard output, standard error,
/// `report.json`. (The notification documents themselves carry BSNs by design.)
@Suite("No BSN in any output")
struct PrivacyTests {
    /// Every input file with the contract it is validated against.
    static let inputs: [(contract: String, path: String)] = [
        ("coa-tvs-export", "adapters/coa/samples/tvs-export-20261122.csv"),
        ("coa-tvs-export", "adapters/coa/samples/tvs-export-20261121.csv"),
        ("coa-tvs-export", "Tests/Fixtures/coa-one-bad-row-of-each-kind.csv"),
        ("duo-status-extract", "adapters/duo/samples/duo-inburgering-20261122.dat"),
        ("duo-status-extract", "adapters/duo/samples/duo-inburgering-20261123.dat"),
        ("duo-status-extract", "Tests/Fixtures/duo-bad-trailer-count.dat"),
        ("duo-status-extract", "Tests/Fixtures/duo-bad-control-total.dat"),
        ("duo-status-extract", "Tests/Fixtures/duo-missing-trailer.dat"),
        ("duo-status-extract", "Tests/Fixtures/duo-short-line.dat"),
        ("argonaut-advies", "adapters/argonaut/samples/argonaut-advies-20261122.jsonl"),
        ("argonaut-advies", "Tests/Fixtures/argonaut-bad.jsonl"),
        ("toestemming", "adapters/toestemming/samples/toestemming-20261122.jsonl"),
    ]

    /// Every BSN-like number of the inputs: 9 digits standing alone in the text formats (8-digit
    /// ones too, in both forms), and positions 2–10 of the DUO detail records. Invalid BSNs count
    /// too: they are still somebody's number.
    static func bsns() throws -> Set<String> {
        let regex = try NSRegularExpression(pattern: "(?<![0-9])[0-9]{8,9}(?![0-9])")
        var found = Set<String>()
        for (_, path) in inputs {
            let url = Repository.root.appendingPathComponent(path)
            let text = try String(contentsOf: url, encoding: .isoLatin1)
            if path.hasSuffix(".dat") {
                for line in text.split(separator: "\n") where line.hasPrefix("D") {
                    found.insert(String(line.dropFirst().prefix(9)))
                }
            } else {
                for match in regex.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
                    let number = String(text[Range(match.range, in: text)!])
                    found.insert(number.count == 8 ? "0" + number : number)
                    found.insert(number)
                }
            }
        }
        return found
    }

    static func leaks(_ text: String, _ bsns: Set<String>) -> [String] {
        bsns.filter { text.contains($0) }.sorted()
    }

    @Test("the inputs hold BSNs to look for")
    func inputsHoldBSNs() throws {
        let bsns = try Self.bsns()
        #expect(bsns.count >= 60)
        #expect(bsns.allSatisfy { $0.count == 8 || $0.count == 9 })
        // The eight-digit BSN of the COA sample is looked for in its nine-digit form too.
        #expect(bsns.contains { $0.count == 8 && bsns.contains("0" + $0) })
    }

    @Test("validate, human and JSON, with debug logging, prints no BSN", arguments: inputs.map(\.path))
    func validate(path: String) async throws {
        let bsns = try Self.bsns()
        let contract = try #require(Self.inputs.first { $0.path == path }).contract
        for json in [false, true] {
            let output = try await CLI.runDetached(
                ["validate", "--contract", contract] + (json ? ["--json"] : []) + [path], environment: ["KETENPOORT_LOG_LEVEL": "debug"])
            #expect(output.status == 0 || output.status == 1, "\(output)")
            #expect(!output.stdout.isEmpty)
            #expect(Self.leaks(output.stdout, bsns).isEmpty, "stdout of validate \(json ? "--json " : "")\(path)")
            #expect(Self.leaks(output.stderr, bsns).isEmpty, "stderr of validate \(json ? "--json " : "")\(path)")
        }
    }

    @Test(
        "translate with debug logging prints no BSN and keeps none in report.json",
        arguments: inputs.filter { $0.contract == "coa-tvs-export" }.map(\.path))
    func translate(path: String) async throws {
        let bsns = try Self.bsns()
        try await TempDirectory.with { directory in
            let output = try await CLI.runDetached(
                ["translate", "--from", "coa", "--to", "gemeente", path, "--out", directory.url.path], environment: ["KETENPOORT_LOG_LEVEL": "debug"])
            #expect(output.status == 0, "\(output)")
            #expect(Self.leaks(output.stdout, bsns).isEmpty, "stdout of translate \(path)")
            #expect(Self.leaks(output.stderr, bsns).isEmpty, "stderr of translate \(path)")
            let report = try String(contentsOf: directory.file("report.json"), encoding: .utf8)
            #expect(Self.leaks(report, bsns).isEmpty, "report.json of \(path)")
            // The documents do carry BSNs: the search would find them.
            let documents = try directory.contents().filter { $0.hasSuffix(".xml") }
            #expect(!documents.isEmpty)
            let xml = try documents.map { try String(contentsOf: directory.file($0), encoding: .utf8) }.joined()
            #expect(!Self.leaks(xml, bsns).isEmpty)
        }
    }

    @Test("a COA file without its header line leaks no BSN or name through the column names")
    func headerlessFile() async throws {
        try await TempDirectory.with { directory in
            let sample = try String(contentsOf: Repository.sample("coa", "tvs-export-20261121.csv"), encoding: .utf8)
            let withoutHeader = sample.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
            let file = try directory.write("tvs-export-20261121.csv", withoutHeader)
            let bsns = try Self.bsns()
            for arguments in [
                ["validate", "--contract", "coa-tvs-export", file.path], ["validate", "--contract", "coa-tvs-export", "--json", file.path],
            ] {
                let output = try await CLI.runDetached(arguments)
                #expect(output.status == 1, "\(output)")
                #expect(Self.leaks(output.stdout, bsns).isEmpty, "\(arguments)")
                #expect(Self.leaks(output.stderr, bsns).isEmpty, "\(arguments)")
                #expect(!output.stdout.contains("Al-Hassan"), "\(arguments)")
            }
            let out = directory.file("out")
            let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", file.path, "--out", out.path])
            #expect(output.status == 1, "\(output)")
            #expect(Self.leaks(output.stdout, bsns).isEmpty)
            let report = (try? String(contentsOf: out.appendingPathComponent("report.json"), encoding: .utf8)) ?? ""
            #expect(Self.leaks(report, bsns).isEmpty)
        }
    }
}
