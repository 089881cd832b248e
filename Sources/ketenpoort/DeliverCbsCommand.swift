import ArgumentParser
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore

/// `ketenpoort deliver cbs --source duo --period 2026Q3 [--correction]`: the CBS statistics
/// delivery of a period, sealed into the outbox and pushed.
struct DeliverCbsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cbs", abstract: "Deliver a period's pseudonymised statistics file and manifest to CBS (formats.md §5).",
        discussion:
            "Exit status: 0 sealed and delivered, 1 refused (already delivered, period not over, nothing ingested) or not delivered yet, 2 wrong usage, 3 the gateway cannot run."
    )

    @Option(help: "The source of the delivery (duo).") var source = "duo"
    @Option(help: "The period, a quarter: YYYYQn (e.g. 2026Q3).") var period: String
    @Flag(help: "Deliver the period again as a correction (marked in the manifest).") var correction = false
    @Flag(help: "Only seal into the outbox; the running gateway (or `ketenpoort deliver`) pushes it.") var noPush = false
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Give up waiting for retries after this many seconds.") var maxWait: Double = 60
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard source == "duo" else { throw ValidationError("unknown source '\(source)' (known: duo)") }
        guard CbsPeriod(period) != nil else { throw ValidationError("--period must be a quarter like 2026Q3") }
    }

    func run() async throws {
        let runtime = try gateway.runtime()
        var levering = try runtime.cbsLevering()
        levering.progress = Progress("cbs-levering")
        let report: CbsDeliveryReport
        do {
            report = try levering.deliver(source: source, period: CbsPeriod(period)!, correction: correction)
        } catch let error as KetenpoortError where error.code == .cbsRefused || error.code == .cbsContractViolation {
            FileHandle.standardError.write(Data("ketenpoort: \(error.reason)\n".utf8))
            // A local copy lost (a crash after sealing, a deleted file) is written again from the outbox.
            for file in (try? levering.restoreFiles(source: source, period: CbsPeriod(period)!)) ?? [] {
                FileHandle.standardError.write(Data("ketenpoort: local copy written again: \(file)\n".utf8))
            }
            throw ExitCode(1)
        }
        if json {
            try printJSON(report)
        } else {
            print("CBS delivery \(report.period) from \(report.source)\(report.correction > 0 ? " — correction \(report.correction)" : "")")
            print("  reflects DUO extract \(report.extractSequence) of \(report.extractDate)")
            print("  \(report.records) person(s), CSV sha256 \(report.sha256)")
            print("  sealed into the outbox: \(report.csvBatch), \(report.manifestBatch)")
            for file in report.files { print("  written: \(file)") }
        }
        guard !noPush else { return }
        let client = CurlClient()
        let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client, clock: runtime.clock)
            .deliverUntilDone(deadline: Date().addingTimeInterval(maxWait))
        await client.shutdown()
        let ours = [report.csvBatch, report.manifestBatch]
        let delivered = ours.filter(round.delivered.contains)
        if !json {
            print(
                "delivered \(delivered.count) of \(ours.count) batch(es); dead-lettered \(round.deadLettered.count), still pending \(round.retrying.count)"
            )
        }
        if delivered.count != ours.count { throw ExitCode(1) }
    }
}
