import ArgumentParser
import Contracts
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore

/// `ketenpoort sync coa-gemeenten <tvs-export.csv>`: one nightly sync, now.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Run one sync now: compare a snapshot with what was sent, seal the notifications into the outbox.",
        discussion: "Exit status: 0 done, 1 the snapshot was rejected or refused, 2 wrong usage, 3 the gateway cannot run."
    )

    @Argument(help: "The sync to run (coa-gemeenten).") var job: String
    @Argument(help: "The snapshot (tvs-export-YYYYMMDD.csv).") var file: String
    @Option(help: "The snapshot date (YYYY-MM-DD), when the file name does not carry it.") var date: String?
    @Flag(help: "Deliver the outbox right after the sync (as the running gateway would).") var deliver = false
    @Option(help: "With --deliver: give up waiting for retries after this many seconds.") var maxWait: Double = 60
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard job == CoaGemeenteSync.job else { throw ValidationError("unknown sync '\(job)' (known: \(CoaGemeenteSync.job))") }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        guard FileManager.default.isReadableFile(atPath: url.path) else { throw ValidationError("cannot read \(file)") }
        var snapshotDate: CalendarDate?
        if let date {
            guard let (y, m, d) = DateLayout.iso.parts(of: date), let parsed = CalendarDate(year: y, month: m, day: d) else {
                throw ValidationError("--date must be YYYY-MM-DD")
            }
            snapshotDate = parsed
        }
        let runtime = try gateway.runtime()
        let report: SyncReport
        do {
            var sync = try runtime.coaGemeenteSync()
            sync.progress = Progress(job)
            report = try sync.run(input: url, date: snapshotDate)
        } catch let error as KetenpoortError where error.code == .syncRefused || error.code == .syncAlreadyApplied {
            FileHandle.standardError.write(Data("ketenpoort: \(error.reason)\n".utf8))
            if deliver { try await deliverOutbox(runtime) }
            throw ExitCode(1)
        }
        print(HumanReport.sync(report))
        if deliver { try await deliverOutbox(runtime) }
        if report.validation.isRejected { throw ExitCode(1) }
    }

    private func deliverOutbox(_ runtime: GatewayRuntime) async throws {
        let client = CurlClient()
        let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client, clock: runtime.clock)
            .deliverUntilDone(deadline: Date().addingTimeInterval(maxWait))
        await client.shutdown()
        print("delivered \(round.delivered.count), dead-lettered \(round.deadLettered.count), still pending \(round.retrying.count)")
    }
}

/// Options of commands that run the gateway itself: its configuration and workspace.
struct GatewayOptions: ParsableArguments {
    @Option(help: "The gateway configuration (default: ketenpoort.yaml in the workspace).") var config: String?
    @OptionGroup var workspace: WorkspaceOptions

    func runtime() throws -> GatewayRuntime {
        try GatewayRuntime(configuration: try configuration(), workspaceRoot: workspace.root, clock: try workspace.clock)
    }

    /// The configuration file, loaded.
    func configuration() throws -> GatewayConfiguration {
        try GatewayConfiguration.load(contentsOf: config.map { URL(fileURLWithPath: $0) } ?? workspace.root.appendingPathComponent("ketenpoort.yaml"))
    }
}
