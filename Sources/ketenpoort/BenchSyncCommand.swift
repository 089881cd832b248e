import ArgumentParser
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import ServiceLifecycle

/// `ketenpoort bench-sync`: a night of N persons to 342 municipalities, end to end over mutual TLS
/// on loopback — snapshot validated, diffed, sealed, delivered — timed (run on a release build).
struct BenchSyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-sync", abstract: "Benchmark the nightly sync end to end over mutual TLS on loopback.")

    @Option(help: "Persons in the snapshot.") var persons = 10_900
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-sync"
    @Flag(
        help: """
            Time the night after a first one instead: the first night is synced and delivered untimed, then \
            a snapshot with 2 % changed, 0.5 % moved, 0.25 % gone and 1 % new persons is timed.
            """)
    var secondNight = false
    @Option(help: "The store engine: sqlite, or postgres (a PostgreSQL 15 server of the benchmark's own, flushing commits to disk).")
    var store: TestEngine = .sqlite
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let base = URL(fileURLWithPath: dir).appendingPathComponent("\(persons)")
        try? FileManager.default.removeItem(at: base)
        let pki = base.appendingPathComponent("pki")
        let codes = (1...342).map { "GM" + String(format: "%04d", $0) }
        let gateway = try DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort")
        let parties = try codes.enumerated().map { index, code in
            try DevPKI.Identity(
                id: code.lowercased(), oin: OIN("0000000100" + String(format: "%06d", index + 1) + "0000")!, organisation: "Gemeente \(code)")
        }
        _ = try DevPKI.initialize(directory: pki, parties: [gateway] + parties, now: Date())
        let first = base.appendingPathComponent("tvs-export-20261122.csv")
        try SnapshotGenerator(rows: persons).write(to: first)
        let snapshot = secondNight ? base.appendingPathComponent("tvs-export-20261123.csv") : first
        if secondNight { try SnapshotGenerator(rows: persons, night: 2).write(to: snapshot) }
        try BenchInput.writeOut(snapshot)
        let received = BenchInput.receiverFolder(base)
        try? FileManager.default.removeItem(at: received)
        defer { try? FileManager.default.removeItem(at: received) }
        // The municipalities' endpoint is another process: the memory measured is the gateway's own.
        // It answers each municipality's name (<id>.localhost, SNI) with that municipality's certificate.
        let port = try LoopbackPort.free()
        let receiver = Process()
        receiver.executableURL = ThisExecutable.url
        receiver.arguments = [
            "receive", "--port", String(port), "--dir", received.path, "--cert", DevPKI.certificateFile(for: "gm0001", in: pki).path,
            "--key", DevPKI.privateKeyFile(for: "gm0001", in: pki).path, "--ca", DevPKI.caCertificateFile(in: pki).path,
            "--party-certificates", pki.path,
        ]
        receiver.standardOutput = FileHandle.nullDevice
        receiver.standardError = FileHandle.nullDevice
        try receiver.run()
        defer {
            receiver.terminate()
            receiver.waitUntilExit()
        }
        let postgres = store == .postgres ? try TemporaryPostgres.start(durable: true) : nil
        defer { postgres?.stop() }
        let storeSection: String
        if let postgres {
            let roles = try postgres.makeRolesAndDatabase("ketenpoort")
            try StoreOpener.migrate(ownerConninfo: roles.owner)
            storeSection = "store: { engine: postgres, url: \"\(roles.gateway)\", directory: work, node: bench }"
        } else {
            storeSection = "store: { engine: sqlite, path: ketenpoort.sqlite }"
        }
        var yaml = """
            gateway: { oin: "00000001234567890000", certificate: pki/gateway.pem, key: pki/gateway-key.pem, caBundle: pki/ca.pem }
            \(storeSection)
            delivery: { maxBatchRecords: 5000, maxAttempts: 3, initialBackoffSeconds: 0, maxBackoffSeconds: 1, timeoutSeconds: 60 }
            parties:

            """
        for (index, code) in codes.enumerated() {
            yaml += "  - { id: \(code.lowercased()), role: gemeente, gemeente: \(code), oin: \"0000000100\(String(format: "%06d", index + 1))0000\", "
            yaml += "endpoint: \"https://\(DevPKI.hostName(for: code.lowercased())):\(port)/inbox/\(code.lowercased())\", caBundle: pki/ca.pem }\n"
        }
        let configURL = base.appendingPathComponent("ketenpoort.yaml")
        try yaml.write(to: configURL, atomically: true, encoding: .utf8)
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: configURL), workspaceRoot: workspace.root)
        let client = CurlClient()
        let worker = DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
        try await Self.waitForReceiver(port: port)

        // As under `run`: checkpoints on a connection of their own, every 30 ms.
        let checkpointer = try StoreCheckpointer(store: runtime.store)
        let checkpoints = Task { try await checkpointer?.run() }
        defer { checkpoints.cancel() }

        if secondNight {
            // The first night, untimed: its sent state is what the timed night is merged with.
            let firstNight = try runtime.coaGemeenteSync()
            _ = try await BatchWork.run { try firstNight.run(input: first) }
            let delivered = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(600))
            guard delivered.retrying.isEmpty && delivered.deadLettered.isEmpty else {
                throw ValidationError("the first night was not delivered whole")
            }
            FreedMemory.returnToSystem()
        }

        // The night's own peak: the benchmark's set-up (343 dev identities, the generated file) is not the gateway's.
        let residentBefore = ProcessMemory.residentMiB()
        ProcessMemory.resetPeakResident()
        // The reference, in the same run: sha256sum of the snapshot (in the page cache, as the night finds it).
        let reference = try ChildRun.measure("sha256sum", [snapshot.path])
        // A second one, for what a night does besides reading: a copy of the snapshot written to a
        // new file and synced. On this kind of VM the cost of writing into the page cache changes by
        // the hour while hashing does not; this figure shows the hour's phase beside the night's.
        let copied = base.appendingPathComponent("reference-copy")
        let writeReference = try ChildRun.measure("dd", ["if=\(snapshot.path)", "of=\(copied.path)", "bs=1M", "conv=fdatasync"])
        try? FileManager.default.removeItem(at: copied)
        let processes = (gateway: ProcessInfo.processInfo.processIdentifier, receiver: receiver.processIdentifier)
        let cpuBefore = (gateway: ProcessCPU.seconds([processes.gateway]), receiver: ProcessCPU.seconds([processes.receiver]))
        let start = ContinuousClock.now
        // As under `run`: the delivery worker sends each batch once it is committed, while the rest
        // of the night is still being sealed.
        var night = try runtime.coaGemeenteSync()
        night.progress = Progress("bench-sync")
        let sync = night
        let syncing = LockedValue(true)
        let sealedAt = LockedValue<ContinuousClock.Instant?>(nil)
        let syncTask = Task {
            defer { syncing.withLock { $0 = false } }
            return try await BatchWork.run {
                defer { sealedAt.withLock { $0 = .now } }
                return try sync.run(input: snapshot)
            }
        }
        var round = DeliveryWorker.Round()
        while syncing.withLock({ $0 }) {
            let during = try await worker.deliverDue()
            round.delivered += during.delivered
            round.deadLettered += during.deadLettered
            if during.attempted == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        let report = try await syncTask.value
        let synced = ContinuousClock.now
        let syncPeak = ProcessMemory.peakResidentSinceResetMiB()
        let rest = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(600))
        round.delivered += rest.delivered
        round.deadLettered += rest.deadLettered
        round.retrying = rest.retrying
        let done = ContinuousClock.now
        let cpuAfter = (gateway: ProcessCPU.seconds([processes.gateway]), receiver: ProcessCPU.seconds([processes.receiver]))
        await client.shutdown()

        func seconds(_ duration: Duration) -> String {
            String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        print(
            "nightly sync, \(persons) persons → \(codes.count) municipalities, over mutual TLS on loopback (receivers in another process), store \(store)"
                + (secondNight ? "; the night after a first one (merged with its sent state)" : "; a first night (nothing sent before)")
        )
        let sealed = sealedAt.withLock { $0 } ?? synced
        print(
            "  validated, diffed, sealed (batches delivered meanwhile): \(seconds(sealed - start)) s (\(report.notifications) notifications in \(report.batches.count) batches); peak memory so far \(String(format: "%.1f", syncPeak)) MiB"
        )
        print(
            "  the rest delivered: \(seconds(done - sealed)) s (\(round.delivered.count) delivered, \(round.deadLettered.count) dead-lettered, \(round.retrying.count) pending)"
        )
        let mib = { (value: Double) in String(format: "%.1f", value) }
        print(
            "  end to end: \(seconds(done - start)) s; gateway peak memory during the night \(mib(ProcessMemory.peakResidentSinceResetMiB())) MiB "
                + "(resident before it \(mib(residentBefore)) MiB; the process's peak, set-up included, \(mib(ProcessMemory.peakResidentMiB())) MiB)")
        if let gatewayBefore = cpuBefore.gateway, let gatewayAfter = cpuAfter.gateway, let receiverBefore = cpuBefore.receiver,
            let receiverAfter = cpuAfter.receiver
        {
            let (gatewayCPU, receiverCPU) = (gatewayAfter - gatewayBefore, receiverAfter - receiverBefore)
            let wall = Double((done - start).components.seconds) + Double((done - start).components.attoseconds) / 1e18
            print(
                String(
                    format: "  CPU during the night (user + system): gateway %.2f s, receivers %.2f s — %.2f s in %.2f s on %d cores%@; "
                        + "sha256sum of the snapshot %.2f CPU s (the reference); a copy of it written and synced (dd) %.2f CPU s, %.2f s",
                    gatewayCPU, receiverCPU, gatewayCPU + receiverCPU, wall, ProcessInfo.processInfo.activeProcessorCount,
                    postgres == nil ? "" : " (PostgreSQL's server not counted)", reference.cpuSeconds, writeReference.cpuSeconds,
                    writeReference.wallSeconds))
        }
    }

    /// Waits (at most 30 s) until the receiver process accepts connections.
    static func waitForReceiver(port: Int) async throws {
        for _ in 0..<300 {
            if let socket = LoopbackPort.connect(to: port) {
                close(socket)
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the receiver did not start within 30 s")
    }
}
