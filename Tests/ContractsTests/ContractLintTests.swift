import Contracts
import Foundation
import KetenpoortTesting
import Testing

/// The contracts are valid ODCS for the version they declare, as a partner's tool checks them:
/// `datacontract lint` reports 0 errors and 0 warnings on each.
@Suite("Contract lint (datacontract-cli)")
struct ContractLintTests {
    static let files =
        (try? FileManager.default.contentsOfDirectory(at: Repository.contracts, includingPropertiesForKeys: nil))?
        .filter { $0.pathExtension == "yaml" }.sorted { $0.lastPathComponent < $1.lastPathComponent } ?? []

    @Test("every contract of the repository is linted")
    func allContracts() {
        #expect(Self.files.count == 7)
    }

    @Test("datacontract lint: 0 errors, 0 warnings, against the ODCS version the engine reads", arguments: files)
    func lintClean(file: URL) async throws {
        let report = try await ContractLint.lint(file)
        #expect(report.problems.isEmpty, "\(file.lastPathComponent): \(report.problems.joined(separator: "\n"))")
        let schemaCheck = "Data contract is valid against ODCS \(ContractLoader.odcsVersion)"
        #expect(report.checks.contains { $0.name == schemaCheck && $0.result == "passed" }, "\(report.checks)")
    }

    @Test("a warning is a failure although datacontract lint exits 0 on it")
    func warningsCount() async throws {
        let source = try String(contentsOf: Repository.contracts.appendingPathComponent("toestemming.yaml"), encoding: .utf8)
        let anchor = "            mustBe: 0\n"
        #expect(source.contains(anchor))
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString)").appendingPathComponent(
            "toestemming.yaml")
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        try source.replacingOccurrences(of: anchor, with: anchor + "            strictness: high\n").write(
            to: file, atomically: true, encoding: .utf8)
        let report = try await ContractLint.lint(file)
        #expect(report.problems.count == 2, "\(report.problems)")
        #expect(report.problems.allSatisfy { $0.contains("unknown fields") && $0.contains("strictness") }, "\(report.problems)")
    }
}
