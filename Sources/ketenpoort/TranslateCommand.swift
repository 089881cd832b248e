import ArgumentParser
import Exchanges
import Foundation
import Gateway

/// `ketenpoort translate --from coa --to gemeente <tvs-export.csv> --out <dir>`
struct TranslateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "translate",
        abstract: "Translate a COA snapshot into one notification document per linked municipality."
    )

    @Option(help: "Source partner (coa).") var from: String
    @Option(help: "Target partner (gemeente).") var to: String
    @Option(help: "Output directory.") var out: String
    @Argument(help: "The TVS export (tvs-export-YYYYMMDD.csv).") var file: String
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard from == "coa", to == "gemeente" else { throw ValidationError("only --from coa --to gemeente is supported") }
    }

    func run() throws {
        let space = try Workspace.load(root: workspace.root)
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw ValidationError("cannot read \(file)") }
        let outURL = URL(fileURLWithPath: out)
        let progress = Progress("translate")
        let report = try CoaToGemeenteTranslation(workspace: space, clock: try workspace.clock).run(input: url, into: outURL) { progress.advance($0) }
        progress.finish()
        try ReportJSON.encode(TranslationJSON(report)).write(to: outURL.appendingPathComponent("report.json"))
        print(HumanReport.translation(report, out: out))
        if report.validation.isRejected { throw ExitCode(1) }
    }
}

/// The JSON shape of `report.json`.
struct TranslationJSON: Encodable {
    let input: String
    let contract: String
    let items: Int
    let accepted: Int
    let quarantined: Int
    let rejected: Int
    let unlinked: Int
    let written: [String: Int]
    let unknownColumns: [String]
    let findings: [FindingJSON]

    init(_ report: TranslationReport) {
        input = report.input
        contract = report.validation.contract
        items = report.validation.items
        accepted = report.validation.accepted
        quarantined = report.validation.quarantined
        rejected = report.validation.rejected
        unlinked = report.unlinked
        written = report.written
        unknownColumns = report.validation.unknownColumns
        findings = report.validation.findings.map(FindingJSON.init)
    }
}
