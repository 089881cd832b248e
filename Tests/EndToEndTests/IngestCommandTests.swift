import Foundation
import Gateway
import KetenpoortTesting
import Sealing
import Testing

/// `ketenpoort ingest duo` end to end: exit codes, the human report and `--json`, no BSN anywhere.
@Suite("ingest duo (CLI)")
struct IngestCommandTests {
    /// A configuration in a fresh directory, so the store is new.
    static func configuration(_ directory: TempDirectory) throws -> String {
        let template = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        return try directory.write("ketenpoort.yaml", template).path
    }

    /// `configuration(_:)` with a dev PKI beside it, for commands that seal or sign.
    static func configurationWithDevPKI(_ directory: TempDirectory) throws -> String {
        let config = try configuration(directory)
        _ = try DevPKI.initialize(
            directory: directory.file("var/pki"), parties: try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: config)).devIdentities(),
            now: Date())
        return config
    }

    @Test("applied, the same file again, a broken file, wrong usage: 0, 0, 1, 2")
    func exitCodes() async throws {
        try await TempDirectory.with { directory in
            let config = try Self.configuration(directory)
            let first = try await CLI.runDetached(["ingest", "duo", "adapters/duo/samples/duo-inburgering-20261122.dat", "--config", config])
            #expect(first.status == 0, "\(first)")
            #expect(first.stdout.contains("sequence 42 (no previous extract: this one sets the baseline)"))
            #expect(first.stdout.contains("new 30, changed 0, unchanged 0"))
            #expect(first.stdout.contains("✓"))

            let json = try await CLI.runDetached(["ingest", "duo", "adapters/duo/samples/duo-inburgering-20261123.dat", "--config", config, "--json"])
            #expect(json.status == 0, "\(json)")
            let object = try json.json()
            #expect(object["outcome"] as? String == "applied")
            #expect(object["sequence"] as? Int == 43)
            #expect(object["previousSequence"] as? Int == 42)
            #expect(object["persons"] as? Int == 5)

            let again = try await CLI.runDetached(["ingest", "duo", "adapters/duo/samples/duo-inburgering-20261123.dat", "--config", config])
            #expect(again.status == 0, "\(again)")
            #expect(again.stdout.contains("ALREADY APPLIED"))

            let broken = try await CLI.runDetached(["ingest", "duo", "Tests/Fixtures/duo-bad-control-total.dat", "--config", config])
            #expect(broken.status == 1, "\(broken)")
            #expect(broken.stdout.contains("file.control-total"))
            #expect(broken.stdout.contains("the status store is unchanged (5 persons, sequence 43)"))

            #expect(
                try await CLI.runDetached(["ingest", "coa", "adapters/duo/samples/duo-inburgering-20261123.dat", "--config", config]).status == 2)
            #expect(try await CLI.runDetached(["ingest", "duo", "no-such-file.dat", "--config", config]).status == 2)

            let bsns = try String(contentsOf: Repository.sample("duo", "duo-inburgering-20261122.dat"), encoding: .isoLatin1)
                .split(separator: "\n").filter { $0.hasPrefix("D") }.map { String($0.dropFirst().prefix(9)) }
            for output in [first, json, again, broken] {
                #expect(!bsns.contains { output.stdout.contains($0) || output.stderr.contains($0) })
            }
        }
    }
}
