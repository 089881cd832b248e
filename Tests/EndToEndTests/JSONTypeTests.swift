import Foundation
import KetenpoortTesting
import Testing

/// JSON inputs are exactly as strict as their contracts: a value whose JSON type is not the one the
/// contract's type calls for (a number where a string is specified) is a `field.type` finding on
/// that field, the item quarantined — never converted. Through `ketenpoort validate` and `ingest`.
@Suite("JSON types as the contract declares them (CLI)")
struct JSONTypeTests {
    /// The consent sample's 8 lines, the first five each with one value of the wrong JSON type.
    static func consentFile(_ directory: TempDirectory) throws -> URL {
        let sample = try String(contentsOf: Repository.sample("toestemming", "toestemming-20261122.jsonl"), encoding: .utf8)
        var lines = sample.split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        // Each value of the sample kept, wrapped in another JSON type.
        let changes: [(Regex<(Substring, Substring)>, (Substring) -> String)] = [
            (/"bsn":"([0-9]+)"/, { #""bsn":\#($0)"# }),
            (/"toestemmingId":"T-([0-9]+)"/, { #""toestemmingId":\#($0)"# }),
            (/"doel":"(gezondheid-gemeente)"/, { _ in #""doel":true"# }),
            (/"kanaal":("[a-z]+")/, { #""kanaal":[\#($0)]"# }),
            (/"gegevenOp":("[^"]+")/, { #""gegevenOp":{"op":\#($0)}"# }),
        ]
        for (index, (pattern, replacement)) in changes.enumerated() {
            let match = try #require(lines[index].firstMatch(of: pattern), "line \(index + 1)")
            lines[index].replaceSubrange(match.range, with: replacement(match.1))
        }
        return try directory.write("toestemming-20261122.jsonl", lines.joined(separator: "\n") + "\n")
    }

    static let expected: [ValidateCommandTests.Expected] = [
        .init(line: 1, field: "bsn", rule: "field.type"),
        .init(line: 2, field: "toestemmingId", rule: "field.type"),
        .init(line: 3, field: "doel", rule: "field.type"),
        .init(line: 4, field: "kanaal", rule: "field.type"),
        .init(line: 5, field: "gegevenOp", rule: "field.type"),
    ]

    @Test("consent feed: a number, a boolean, an array or an object where a string is specified is field.type")
    func consentTypes() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try Self.consentFile(directory)
        let output = try await CLI.runDetached(["validate", "--contract", "toestemming", "--json", file.path])
        #expect(output.status == 0, "\(output)")
        let json = try output.json()
        #expect(try ValidateCommandTests.findings(json) == Self.expected, "\(output)")
        #expect((json["items"] as? Int, json["accepted"] as? Int, json["quarantined"] as? Int) == (8, 3, 5))
        let messages = try #require(json["findings"] as? [[String: Any]]).compactMap { $0["message"] as? String }
        #expect(messages.first == "bsn must be a string in JSON, not a number")
        #expect(
            messages.dropFirst().map {
                $0.hasSuffix("not a number") || $0.hasSuffix("not true or false") || $0.hasSuffix("not an array") || $0.hasSuffix("not an object")
            } == [true, true, true, true])
        #expect(!output.stdout.contains("282295215"))
    }

    @Test("consent feed: a line with a number for bsn is quarantined at ingest, not applied to the register")
    func consentIngest() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try Self.consentFile(directory)
        let config = try IngestCommandTests.configuration(directory)
        let pki = try await CLI.runDetached(["pki", "init", "--dir", directory.file("var/pki").path, "--config", config])
        #expect(pki.status == 0, "\(pki)")
        let output = try await CLI.runDetached(["ingest", "consent", file.path, "--config", config, "--json"])
        #expect(output.status == 0, "\(output)")
        let report = try output.json()
        let validation = try #require(report["validation"] as? [String: Any])
        #expect(validation["quarantined"] as? Int == 5)
        #expect((validation["findings"] as? [[String: Any]])?.map { $0["rule"] as? String } == Array(repeating: "field.type", count: 5))
        #expect((report["applied"] as? Int ?? -1) + (report["unchanged"] as? Int ?? -1) == 3)
        #expect(!output.stdout.contains("282295215"))
    }

    @Test("Argonaut advice: a number for bsn is field.type; the other lines stand")
    func adviceTypes() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let sample = try String(contentsOf: Repository.sample("argonaut", "argonaut-advies-20261122.jsonl"), encoding: .utf8)
        var lines = sample.split(separator: "\n").map(String.init)
        let bsn = try #require(lines[2].firstMatch(of: /"bsn":"([0-9]{9})"/)?.1)
        lines[2] = lines[2].replacingOccurrences(of: "\"bsn\":\"\(bsn)\"", with: "\"bsn\":\(bsn)")
        let file = try directory.write("argonaut-advies-20261122.jsonl", lines.joined(separator: "\n") + "\n")
        let output = try await CLI.runDetached(["validate", "--contract", "argonaut-advies", "--json", file.path])
        #expect(output.status == 0, "\(output)")
        let json = try output.json()
        #expect(try ValidateCommandTests.findings(json) == [.init(line: 3, field: "bsn", rule: "field.type")])
        #expect((json["items"] as? Int, json["accepted"] as? Int, json["quarantined"] as? Int) == (8, 7, 1))
        #expect(!output.stdout.contains(String(bsn)))
    }
}
