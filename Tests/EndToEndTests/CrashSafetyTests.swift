import Crypto
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import Store
import Testing

/// A gateway whose sync runs as a separate `ketenpoort` process (so it can be killed), delivering to
/// one receiver on loopback that serves every municipality's inbox, each under its own name and certificate.
struct CrashFixture {
    static let municipalities = 24
    let directory: TempDirectory
    let config: URL
    let received: URL
    let serverTask: Task<Void, any Error>

    static func start(pki: URL) async throws -> CrashFixture {
        let directory = try TempDirectory()
        let received = directory.file("received")
        let server = ReceiveServer(
            configuration: .init(
                directory: received, certificateChain: DevPKI.certificateFile(for: "gm0001", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "gm0001", in: pki),
                trustedCA: DevPKI.caCertificateFile(in: pki), partyCertificates: pki),
            logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        let serverTask = Task { try await server.run() }
        let port = try await server.boundPort()
        var yaml = """
            gateway: { oin: "00000001234567890000", certificate: \(pki.path)/gateway.pem, key: \(pki.path)/gateway-key.pem, caBundle: \(pki.path)/ca.pem }
            store: { engine: sqlite, path: ketenpoort.sqlite }
            delivery: { maxBatchRecords: 100, maxAttempts: 50, initialBackoffSeconds: 0, maxBackoffSeconds: 1, timeoutSeconds: 30 }
            parties:

            """
        for index in 1...municipalities {
            let id = "gm" + String(format: "%04d", index)
            yaml += "  - { id: \(id), role: gemeente, gemeente: \(id.uppercased()), oin: \"0000000100\(String(format: "%06d", index))0000\", "
            yaml += "endpoint: \"https://\(DevPKI.hostName(for: id)):\(port)/inbox/\(id)\", caBundle: \(pki.path)/ca.pem }\n"
        }
        let config = directory.file("ketenpoort.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        return CrashFixture(directory: directory, config: config, received: received, serverTask: serverTask)
    }

    func stop() {
        serverTask.cancel()
        directory.remove()
    }

    /// Starts `ketenpoort sync coa-gemeenten <snapshot> --deliver`, waiting up to 15 minutes for the
    /// deliveries: beside the parallel tests on a loaded machine the oracle's once took over 120 s,
    /// and an oracle that stops short makes every later delivery look like one too many.
    func launch(_ snapshot: URL, environment: [String: String] = [:]) throws -> Process {
        try CLI.launch(["sync", "coa-gemeenten", snapshot.path, "--deliver", "--max-wait", "900", "--config", config.path], environment: environment)
    }

    /// How many batches the receiver has stored so far.
    func receivedCount() -> Int {
        let manager = FileManager.default
        return ((try? manager.contentsOfDirectory(atPath: received.path)) ?? []).reduce(0) { count, party in
            count
                + (((try? manager.contentsOfDirectory(atPath: received.appendingPathComponent(party).path)) ?? []).filter {
                    $0.hasSuffix(".receipt.json")
                }.count)
        }
    }

    /// The oracle: every notification of `snapshot`'s night synced and delivered by one process, never
    /// interrupted (as `receivedNotifications` gives them).
    static func uninterrupted(_ snapshot: URL, pki: URL) async throws -> [String] {
        let clean = try await CrashFixture.start(pki: pki)
        defer { clean.stop() }
        #expect(await CLI.exitStatus(of: try clean.launch(snapshot)) == 0)
        let expected = try clean.receivedNotifications()
        #expect(expected.count > 35_000)
        #expect(Set(expected).count == expected.count)
        return expected
    }

    /// Every notification the municipalities hold, as "gemeente soort person", with repeats kept.
    func receivedNotifications() throws -> [String] { try Self.notifications(in: received) }

    /// Every notification stored under `received` (a receiver's folder), as "gemeente soort person".
    static func notifications(in received: URL) throws -> [String] {
        let manager = FileManager.default
        var all: [String] = []
        for party in (try? manager.contentsOfDirectory(atPath: received.path)) ?? [] {
            let folder = received.appendingPathComponent(party)
            for file in try manager.contentsOfDirectory(atPath: folder.path) where file.hasSuffix(".xml") {
                let contents = try BatchContents.parse(try Data(contentsOf: folder.appendingPathComponent(file)))
                all += contents.notifications.map { "\(contents.rootAttributes["gemeente"] ?? "?") \($0.soort) \($0.key)" }
            }
        }
        return all.sorted()
    }
}

@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    /// Where the gateway is killed, one after the other on the same store, each time started anew:
    /// the commit points of the staged sync, then of delivery (after a receiver answered, before
    /// the answer is recorded; and after it is recorded).
    static let kills = [
        "sync.begun:1", "sync.batch-committing:5", "sync.batch-committed:40", "sync.finished:1", "delivery.answered:1", "delivery.recorded:3",
        "delivery.answered:10", "delivery.recorded:20",
    ]

    @Test("SIGKILL at each commit point of the sync and of delivery of a 50,000-person night to 24 municipalities: nothing lost, nothing twice")
    func killedAndRestarted() async throws {
        let shared = try TempDirectory()
        defer { shared.remove() }
        let pki = shared.file("pki")
        let identities =
            [try DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort")]
            + (try (1...CrashFixture.municipalities).map { index in
                try DevPKI.Identity(
                    id: "gm" + String(format: "%04d", index), oin: OIN("0000000100" + String(format: "%06d", index) + "0000")!,
                    organisation: "Gemeente \(index)")
            })
        _ = try DevPKI.initialize(directory: pki, parties: identities, now: Date())
        let snapshot = shared.file("tvs-export-20261122.csv")
        try SnapshotGenerator(rows: 50_000, municipalities: CrashFixture.municipalities).write(to: snapshot)

        let expected = try await CrashFixture.uninterrupted(snapshot, pki: pki)

        // The same night killed at every commit point in turn, each time started again.
        let crashing = try await CrashFixture.start(pki: pki)
        defer { crashing.stop() }
        for fault in Self.kills {
            let process = try crashing.launch(snapshot, environment: ["KETENPOORT_TESTING": "1", "KETENPOORT_FAULT": fault])
            #expect(await CLI.exitStatus(of: process) == SIGKILL, "\(fault) was not reached")
        }
        // Once the night is accepted the sync is refused (exit 1) but the outbox is still delivered.
        _ = await CLI.exitStatus(of: try crashing.launch(snapshot))
        let actual = try crashing.receivedNotifications()
        // Compared as counts and a few examples: the full lists hold some 40,000 lines.
        let duplicated = actual.count - Set(actual).count
        let missing = Set(expected).subtracting(actual), extra = Set(actual).subtracting(expected)
        #expect(duplicated == 0, "\(duplicated) notification(s) arrived more than once")
        #expect(missing.isEmpty, "\(missing.count) notification(s) lost, e.g. \(missing.sorted().prefix(3))")
        #expect(extra.isEmpty, "\(extra.count) notification(s) not in the uninterrupted run, e.g. \(extra.sorted().prefix(3))")
    }
}

/// The CBS delivery of issue 5 killed while it seals (a streamed batch of several payload parts,
/// sorted on disk) and while it pushes; the receiver is CBS.
@Suite("Crash safety of the CBS delivery", .serialized)
struct CbsCrashSafetyTests {
    static let persons = 30_000

    @Test("SIGKILL while the CBS delivery seals and while it pushes: exactly one CSV and one manifest arrive, whole, as sealed")
    func killedAndRestarted() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let pki = directory.file("pki")
        _ = try DevPKI.initialize(
            directory: pki,
            parties: [
                try DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort"),
                try DevPKI.Identity(id: "cbs", oin: OIN("00000001003214370000")!, organisation: "CBS"),
            ], now: Date())
        // While a sender is to be killed, each push that arrives is held (before its body is read)
        // until the test has killed the sender: it dies mid-transfer.
        let received = directory.file("received")
        let sender = LockedValue<(arrived: Gate, release: Gate, killing: Bool)>((Gate(), Gate(), false))
        let hook = FaultHook { _ in
            let (arrived, release, killing) = sender.withLock { ($0.arrived, $0.release, $0.killing) }
            guard killing else { return nil }
            arrived.open()
            await release.wait()
            return nil
        }
        let server = ReceiveServer(
            configuration: .init(
                directory: received, certificateChain: DevPKI.certificateFile(for: "cbs", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "cbs", in: pki),
                trustedCA: DevPKI.caCertificateFile(in: pki), faultHook: hook),
            logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        let serverTask = Task { try await server.run() }
        defer { serverTask.cancel() }
        let port = try await server.boundPort()
        #expect(
            FileManager.default.createFile(
                atPath: directory.file("cbs-key").path, contents: Data("crash-test-cbs-key".utf8), attributes: [.posixPermissions: 0o600]))
        let config = directory.file("ketenpoort.yaml")
        try """
        gateway: { oin: "00000001234567890000", certificate: \(pki.path)/gateway.pem, key: \(pki.path)/gateway-key.pem, caBundle: \(pki.path)/ca.pem }
        store: { engine: sqlite, path: ketenpoort.sqlite }
        delivery: { maxAttempts: 50, initialBackoffSeconds: 0, maxBackoffSeconds: 1, timeoutSeconds: 30 }
        parties:
          - { id: cbs, role: cbs, oin: "00000001003214370000", name: CBS, endpoint: "https://127.0.0.1:\(port)/inbox/cbs", caBundle: \(pki.path)/ca.pem }
        cbs: { deliveryKeyFile: cbs-key, outputDirectory: out }

        """.write(to: config, atomically: true, encoding: .utf8)
        let extract = directory.file("duo-inburgering-20261122.dat")
        try DuoPopulationGenerator(persons: Self.persons).write(to: extract, created: CalendarDate(year: 2026, month: 11, day: 22)!, sequence: 1)
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: config), workspaceRoot: Repository.root)
        #expect(try runtime.duoIngest().run(file: extract).outcome == .applied)
        func sealed() throws -> Bool { try !runtime.store.read { try $0.cbsDeliveries(source: "duo", period: "2026Q3") }.isEmpty }
        // What the commands said, for a failure to show.
        let output = directory.file("output.txt")
        func said() -> String { (try? String(contentsOf: output, encoding: .utf8)) ?? "" }
        func launch(_ arguments: [String], fault: String? = nil) throws -> Process {
            try CLI.launch(
                arguments + ["--max-wait", "60", "--config", config.path],
                environment: fault.map { ["KETENPOORT_TESTING": "1", "KETENPOORT_FAULT": $0] } ?? [:], output: output)
        }

        // While it seals: killed as sealing begins, and once everything is written but not committed.
        for fault in ["cbs.sealing:1", "cbs.sealed:1"] {
            let process = try launch(["deliver", "cbs", "--source", "duo", "--period", "2026Q3", "--no-push"], fault: fault)
            _ = await CLI.exitStatus(of: process)  // off the cooperative pool: a deliver may wait out claims
            #expect(process.terminationReason == .uncaughtSignal, "\(fault)")
            #expect(try !sealed(), "killed at \(fault), yet sealed")
        }
        let sealing = try launch(["deliver", "cbs", "--source", "duo", "--period", "2026Q3", "--no-push"])
        _ = await CLI.exitStatus(of: sealing)  // off the cooperative pool: a deliver may wait out claims
        #expect(try sealed(), "the run after the kills did not seal the delivery (exit \(sealing.terminationStatus)); the commands said:\n\(said())")
        // Nothing of the killed runs is left: one delivery, its batch whole in its parts.
        let batch = try await #require(try runtime.store.read { try $0.cbsDeliveries(source: "duo", period: "2026Q3") }.first).csvBatch
        #expect(batch == "cbs-wi-duo-2026Q3")

        // While it pushes: twice killed once its push has arrived and is held.
        for _ in 0..<2 {
            let arrived = Gate(), release = Gate()
            sender.withLock { $0 = (arrived, release, true) }
            let process = try launch(["deliver"])
            await arrived.wait()
            kill(process.processIdentifier, SIGKILL)
            _ = await CLI.exitStatus(of: process)  // off the cooperative pool: a deliver may wait out claims
            release.open()
            #expect(process.terminationReason == .uncaughtSignal, "killed while pushing")
        }
        sender.withLock { $0.killing = false }
        let last = try launch(["deliver"])
        _ = await CLI.exitStatus(of: last)  // off the cooperative pool: a deliver may wait out claims
        #expect(last.terminationStatus == 0, "the commands said:\n\(said())")

        // The receiver holds the pair once, exactly as sealed.
        let files = try FileManager.default.contentsOfDirectory(atPath: received.appendingPathComponent("cbs").path).sorted()
        #expect(
            files == [
                "cbs-wi-duo-2026Q3.csv", "cbs-wi-duo-2026Q3.headers", "cbs-wi-duo-2026Q3.manifest.headers", "cbs-wi-duo-2026Q3.manifest.json",
                "cbs-wi-duo-2026Q3.manifest.receipt.json", "cbs-wi-duo-2026Q3.receipt.json",
            ])
        let csv = try Data(contentsOf: received.appendingPathComponent("cbs/cbs-wi-duo-2026Q3.csv"))
        #expect(csv == (try await runtime.store.read { try $0.payload(of: batch) }))
        #expect(csv.count > 3 * OutboxBatch.payloadPartSize)
        #expect(csv.split(separator: UInt8(ascii: "\n")).count == Self.persons + 1)
        let manifest =
            try JSONSerialization.jsonObject(with: Data(contentsOf: received.appendingPathComponent("cbs/cbs-wi-duo-2026Q3.manifest.json")))
            as? [String: Any]
        #expect(manifest?["sha256"] as? String == Hex.encode(SHA256.hash(data: csv)))
        let stored = try await #require(try runtime.store.read { try $0.batch(id: batch) })
        _ = try await DetachedJWS.verify(
            jws: stored.signature, payload: csv, trustedRoots: try PEMFiles.loadCertificates(DevPKI.caCertificateFile(in: pki)), at: Date())
    }
}
