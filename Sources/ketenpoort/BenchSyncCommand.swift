import ArgumentParser
import Flows
import Foundation
import KetenpoortCore
import Logging
import Sealing
import ServiceLifecycle
import Transport

/// `ketenpoort bench-sync`: a night of N persons to 342 municipalities, end to end over mutual TLS
/// on loopback — snapshot validated, diffed, sealed, delivered — timed (run on a release build).
struct BenchSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sync", abstract: "Benchmark the nightly sync end to end over mutual TLS on loopback.")

    @Option(help: "Persons in the snapshot.") var persons = 10_900
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-sync"
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let base = URL(fileURLWithPath: dir).appendingPathComponent("\(persons)")
        try? FileManager.default.removeItem(at: base)
        let pki = base.appendingPathComponent("pki")
        let codes = (1...342).map { "GM" + String(format: "%04d", $0) }
        let gateway = try DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort")
        let parties = try codes.enumerated().map { index, code in
            try DevPKI.Identity(id: code.lowercased(), oin: OIN("0000000100" + String(format: "%06d", index + 1) + "0000")!, organisation: "Gemeente \(code)")
        }
        _ = try DevPKI.initialize(directory: pki, parties: [gateway] + parties, now: Date())
        let snapshot = base.appendingPathComponent("tvs-export-20261122.csv")
        try SnapshotGenerator(rows: persons).write(to: snapshot)
        let received = base.appendingPathComponent("received")
        let server = ReceiveServer(configuration: .init(
            directory: received, certificateChain: DevPKI.certificateFile(for: "gm0001", in: pki), privateKey: DevPKI.privateKeyFile(for: "gm0001", in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki)))
        let services = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: Logger(label: "ketenpoort.bench")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            let port = try await server.boundPort()
            var yaml = """
                gateway: { oin: "00000001234567890000", certificate: pki/gateway.pem, key: pki/gateway-key.pem, caBundle: pki/ca.pem }
                store: { engine: sqlite, path: ketenpoort.sqlite }
                delivery: { maxBatchRecords: 5000, maxAttempts: 3, initialBackoffSeconds: 0, maxBackoffSeconds: 1, timeoutSeconds: 60 }
                parties:

                """
            for (index, code) in codes.enumerated() {
                yaml += "  - { id: \(code.lowercased()), role: gemeente, gemeente: \(code), oin: \"0000000100\(String(format: "%06d", index + 1))0000\", "
                yaml += "endpoint: \"https://127.0.0.1:\(port)/inbox/\(code.lowercased())\", caBundle: pki/ca.pem }\n"
            }
            let configURL = base.appendingPathComponent("ketenpoort.yaml")
            try yaml.write(to: configURL, atomically: true, encoding: .utf8)
            let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: configURL), workspaceRoot: workspace.root)
            let client = CurlClient()
            let worker = DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)

            let start = ContinuousClock.now
            let report = try runtime.coaGemeenteSync().run(input: snapshot)
            let synced = ContinuousClock.now
            let round = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(600))
            let done = ContinuousClock.now
            await client.shutdown()
            await services.triggerGracefulShutdown()
            try await group.waitForAll()

            func seconds(_ duration: Duration) -> String { String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18) }
            print("nightly sync, \(persons) persons → \(codes.count) municipalities, over mutual TLS on loopback")
            print("  validated, diffed, sealed: \(seconds(synced - start)) s (\(report.notifications) notifications in \(report.batches.count) batches)")
            print("  delivered: \(seconds(done - synced)) s (\(round.delivered.count) delivered, \(round.deadLettered.count) dead-lettered, \(round.retrying.count) pending)")
            print("  end to end: \(seconds(done - start)) s; peak memory \(String(format: "%.1f", PipelineBenchmark.peakResidentMiB())) MiB")
        }
    }
}
