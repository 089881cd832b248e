import ArgumentParser
import Foundation

/// `ketenpoort retention [--dry-run] [--json]`: applies the contracts' retention periods now (`run`
/// does so every hour).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Delete the personal data past its contract's retention: payloads of finished batches, held advices, files kept of an exchange.",
        discussion: "Batch rows, seals, inbox receipts and the audit chain stay; every deletion is recorded on the chain.")

    @Flag(help: "Only list what is due; delete nothing.") var dryRun = false
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var gateway: GatewayOptions

    func run() throws {
        let report = try gateway.runtime().dataRetention().apply(dryRun: dryRun)
        if json { return try printJSON(report) }
        print(dryRun ? "past retention (dry run, nothing deleted):" : "deleted at the end of retention:")
        for contract in report.contracts {
            print(
                "  \(contract.contract) (\(contract.retention), before \(contract.cutoff)): \(contract.batchPayloads.count) batch payload(s), "
                    + "\(contract.heldAdvices.count) held advice(s), \(contract.files.count) file(s)")
        }
        if report.contracts.isEmpty { print("  nothing") }
    }
}
