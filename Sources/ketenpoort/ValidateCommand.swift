import Adapters
import ArgumentParser
import Contracts
import Foundation
import Gateway
import KetenpoortCore

/// `ketenpoort validate --contract <id> [--json] <file>`
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a partner file against its data contract.",
        discussion: "Exit status: 0 accepted (even with quarantined items), 1 rejected, 2 wrong usage."
    )

    @Option(help: "The contract id, e.g. coa-tvs-export.") var contract: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Argument(help: "The file to check.") var file: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let space = try Workspace.load(root: workspace.root)
        guard space.contracts.contracts[contract] != nil else {
            throw ValidationError("no contract '\(contract)' (known: \(space.contracts.contracts.keys.sorted().joined(separator: ", ")))")
        }
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else {
            throw ValidationError("cannot read \(file)")
        }
        let pipeline = ValidationPipeline(adapter: try space.adapters.inbound(contract: contract), clock: try workspace.clock)
        let progress = Progress("validate")
        let report = try pipeline.run(url) { _, _ in progress.advance(1) }
        progress.finish()
        if json {
            print(String(decoding: try ReportJSON.encode(ValidationJSON(report)), as: UTF8.self))
        } else {
            print(HumanReport.validation(report, file: url.lastPathComponent))
        }
        if report.isRejected { throw ExitCode(1) }
    }
}

/// The JSON shape of `validate --json`.
struct ValidationJSON: Encodable {
    let contract: String
    /// Every item the file holds; accepted + quarantined + rejected add up to it.
    let items: Int
    let accepted: Int
    let quarantined: Int
    let rejected: Int
    let findings: [FindingJSON]
    let unknownColumns: [String]

    init(_ report: ValidationReport) {
        contract = report.contract
        items = report.items
        accepted = report.accepted
        quarantined = report.quarantined
        rejected = report.rejected
        findings = report.findings.map(FindingJSON.init)
        unknownColumns = report.unknownColumns
    }
}

struct FindingJSON: Encodable {
    let position: Position
    let field: String?
    let rule: String
    let message: String
    let level: String

    init(_ finding: Finding) {
        position = finding.position
        field = finding.field
        rule = finding.rule.rawValue
        message = finding.message
        level = finding.level.rawValue
    }
}

enum ReportJSON {
    static func encode(_ value: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }
}
