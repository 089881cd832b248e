import ArgumentParser
import Flows
import Foundation

/// `ketenpoort ingest duo <duo-inburgering-YYYYMMDD.dat>`: applies a DUO status extract to the status store.
struct IngestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest",
        abstract: "Apply a partner's file to the gateway's store (duo: a DUO status extract, all or nothing).",
        discussion: "Exit status: 0 applied (or the same file again: nothing to do), 1 rejected, 2 wrong usage, 3 the gateway cannot run."
    )

    @Argument(help: "What to ingest (duo).") var source: String
    @Argument(help: "The extract (duo-inburgering-YYYYMMDD.dat).") var file: String
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard source == "duo" else { throw ValidationError("unknown source '\(source)' (known: duo)") }
        guard FileManager.default.isReadableFile(atPath: file) else { throw ValidationError("cannot read \(file)") }
    }

    func run() throws {
        let report = try gateway.runtime().duoIngest().run(file: URL(fileURLWithPath: file))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(HumanReport.duoIngest(report))
        }
        if report.outcome == .rejected { throw ExitCode(1) }
    }
}

extension HumanReport {
    static func duoIngest(_ report: DuoIngestReport) -> String {
        let previous = report.previousSequence.map { "previous \($0)" } ?? "no previous extract: this one sets the baseline"
        let header = "  sequence \(report.sequence.map(String.init) ?? "?") (\(previous)), created \(report.creationDate ?? "?")"
        switch report.outcome {
        case .alreadyApplied:
            return "\(report.file)\n\(header)\n  ALREADY APPLIED: \(report.reason ?? "")\n  persons in the store: \(report.persons)"
        case .rejected:
            var text = validation(report.validation, file: report.file, limit: 20)
            if let reason = report.reason { text += "\n  reason: \(reason)" }
            text += "\n  the status store is unchanged (\(report.persons) persons, sequence \(report.previousSequence.map(String.init) ?? "none"))"
            return text
        case .applied:
            var text = validation(report.validation, file: report.file, limit: 20)
            text += "\n\(header)"
            text += "\n  applied in one transaction: new \(report.inserted), changed \(report.changed), unchanged \(report.unchanged)"
            text += "\n  quarantined: \(report.kept) keep their previous status, \(report.notAdded) not added (unknown before), \(report.unidentified) without a usable BSN"
            text += "\n  removed (absent from this extract): \(report.removed)   persons in the store: \(report.persons)"
            text += "\n  balance: \(report.inserted + report.changed + report.unchanged) applied + \(report.kept + report.notAdded + report.unidentified) quarantined = \(report.validation.items) records \(report.isBalanced ? "✓" : "✗")"
            return text
        }
    }
}
