import Foundation
import KetenpoortTesting
import Testing

/// The `cbs-levering` contract is enforced at start: a field without its own legal basis, or a
/// mapping field the contract does not have, stops `deliver cbs` before anything is read or sent.
@Suite("CBS contract at start (CLI)")
struct CbsContractTests {
    /// A workspace copy (contracts/, adapters/) with `edit` applied to one file.
    static func workspace(_ directory: TempDirectory, file: String, edit: (String) -> String) throws -> String {
        let home = directory.file("home")
        for folder in ["contracts", "adapters"] {
            try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: Repository.root.appendingPathComponent(folder), to: home.appendingPathComponent(folder))
        }
        let target = home.appendingPathComponent(file)
        try edit(try String(contentsOf: target, encoding: .utf8)).write(to: target, atomically: true, encoding: .utf8)
        return home.path
    }

    static let fieldWithoutLegalBasis = """
              - name: aantalBoetes
                physicalName: aantal_boetes
                logicalType: integer
                required: false
                description: Number of fines.
                customProperties:
                  - property: classification
                    value: personal
                  - property: recipients
                    value: [cbs]
          - name: manifest
        """

    @Test("a contract field without a legal basis is refused at start")
    func fieldWithoutLegalBasis() async throws {
        try await TempDirectory.with { directory in
            let home = try Self.workspace(directory, file: "contracts/cbs-levering.yaml") { text in
                text.replacingOccurrences(of: "  - name: manifest\n", with: Self.fieldWithoutLegalBasis + "\n")
            }
            let config = try IngestCommandTests.configuration(directory)
            let output = try await CLI.runDetached(["deliver", "cbs", "--period", "2026Q3", "--home", home, "--config", config])
            #expect(output.status == 3, "\(output)")
            #expect(output.stderr.contains("aantalBoetes") && output.stderr.contains("legalBasis"), "\(output)")
        }
    }

    @Test("a mapping field the contract does not have cannot reach the file: refused at start")
    func fieldNotInContract() async throws {
        try await TempDirectory.with { directory in
            let home = try Self.workspace(directory, file: "adapters/cbs/levering.yaml") { text in
                text + "  - field: aantalBoetes\n    target: \"aantal_boetes\"\n"
            }
            let config = try IngestCommandTests.configuration(directory)
            let output = try await CLI.runDetached(["deliver", "cbs", "--period", "2026Q3", "--home", home, "--config", config])
            #expect(output.status == 3, "\(output)")
            #expect(output.stderr.contains("aantalBoetes"), "\(output)")
        }
    }

    @Test("without a configured delivery key, deliver cbs does not run; wrong usage is 2")
    func usage() async throws {
        try await TempDirectory.with { directory in
            let config = try IngestCommandTests.configuration(directory)
            let output = try await CLI.runDetached(["deliver", "cbs", "--period", "2026Q3", "--config", config])
            #expect(output.status == 3 && output.stderr.contains("cbs"), "\(output)")
            #expect(try await CLI.runDetached(["deliver", "cbs", "--period", "2026-3", "--config", config]).status == 2)
            #expect(try await CLI.runDetached(["deliver", "cbs", "--source", "coa", "--period", "2026Q3", "--config", config]).status == 2)
        }
    }
}
