import ArgumentParser
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Sealing

/// `ketenpoort bench-cbs`: the national population delivered to CBS — read from the status store,
/// pseudonymised, checked against the contract, written and sealed into the outbox — timed (run on
/// a release build).
struct BenchCbsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-cbs", abstract: "Benchmark the CBS delivery: the status store pseudonymised, validated, written and sealed.")

    @Option(help: "Persons in the status store.") var persons = 250_000
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-cbs"
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let base = URL(fileURLWithPath: dir).standardizedFileURL
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let gatewayOIN = OIN("00000001234567890000")!, cbsOIN = OIN("00000001003214370000")!
        _ = try DevPKI.initialize(
            directory: base.appendingPathComponent("pki"),
            parties: [
                try DevPKI.Identity(id: "gateway", oin: gatewayOIN, organisation: "ketenpoort"),
                try DevPKI.Identity(id: "cbs", oin: cbsOIN, organisation: "CBS"),
            ], now: Date())
        guard
            FileManager.default.createFile(
                atPath: base.appendingPathComponent("cbs-delivery-key").path, contents: Data("bench-cbs-delivery-key-0123456789".utf8),
                attributes: [.posixPermissions: 0o600])
        else { throw ValidationError("cannot write the delivery key") }
        let yaml = """
            gateway: { oin: "\(gatewayOIN)", certificate: pki/gateway.pem, key: pki/gateway-key.pem, caBundle: pki/ca.pem }
            store: { engine: sqlite, path: ketenpoort.sqlite }
            parties:
              - { id: cbs, role: cbs, oin: "\(cbsOIN)", name: CBS, endpoint: "https://127.0.0.1:9/inbox/cbs", caBundle: pki/ca.pem }
            cbs: { deliveryKeyFile: cbs-delivery-key, outputDirectory: out }

            """
        let configURL = base.appendingPathComponent("ketenpoort.yaml")
        try yaml.write(to: configURL, atomically: true, encoding: .utf8)
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: configURL), workspaceRoot: workspace.root)
        let extract = base.appendingPathComponent("duo-inburgering-20261122.dat")
        try DuoPopulationGenerator(persons: persons).write(to: extract, created: CalendarDate(year: 2026, month: 11, day: 22)!, sequence: 1)
        let ingested = try runtime.duoIngest().run(file: extract)
        guard ingested.outcome == .applied else { throw ValidationError("the extract was \(ingested.outcome.rawValue)") }

        // The delivery's own peak, apart from the ingest's before it.
        let beforeMiB = ProcessMemory.residentMiB()
        ProcessMemory.resetPeakResident()
        let start = ContinuousClock.now
        var levering = try runtime.cbsLevering()
        levering.progress = Progress("bench-cbs")
        let report = try levering.deliver(period: CbsPeriod("2026Q3")!)
        let seconds = (ContinuousClock.now - start).seconds
        let size = Double((try FileManager.default.attributesOfItem(atPath: report.files[0])[.size] as? Int) ?? 0) / 1_000_000
        print("CBS delivery: status store → pseudonymised (HMAC-SHA-256) → checked against cbs-levering → CSV + manifest → sealed into the outbox")
        print(
            String(
                format: "  %d persons, CSV %.1f MB: %.2f s (%.0f persons/s); target < 3 s", report.records, size, seconds,
                Double(report.records) / seconds))
        print(
            String(
                format: "  memory: %.1f MiB resident before the delivery, peak %.1f MiB during it (process peak, with the ingest, %.1f MiB)",
                beforeMiB,
                ProcessMemory.peakResidentSinceResetMiB(), ProcessMemory.peakResidentMiB()))
    }
}
