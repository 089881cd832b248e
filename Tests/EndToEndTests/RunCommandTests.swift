import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import StoreSQLite
import Testing

/// `ketenpoort run` as an operator starts and stops it.
@Suite("ketenpoort run")
struct RunCommandTests {
    @Test("serves the HTTPS API while it runs, and a SIGTERM stops it cleanly within seconds, the audit chain's tail signed")
    func servesAndStops() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let port = try LoopbackPort.free()
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: \(port)")
        try yaml.write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("ketenpoort.yaml"))
        let pki = directory.file("var/pki")
        _ = try DevPKI.initialize(
            directory: pki,
            parties: try configuration.devIdentities(),
            now: Date())
        // An audit entry no checkpoint covers yet (checkpoints come every 100 entries on their own).
        let entry = try {
            let runtime = try GatewayRuntime(configuration: configuration, workspaceRoot: Repository.root)
            return try runtime.store.write { tx in try runtime.auditChain().append(.batchRecalled(batch: "test", reason: "test"), in: tx) }
        }()
        let gateway = Process()
        gateway.executableURL = try CLI.binary()
        gateway.arguments = ["run", "--config", directory.file("ketenpoort.yaml").path, "--home", Repository.root.path]
        gateway.standardOutput = FileHandle.nullDevice
        gateway.standardError = FileHandle.nullDevice
        try gateway.run()
        defer { if gateway.isRunning { kill(gateway.processIdentifier, SIGKILL) } }

        let client = CurlClient(threadCount: 1)
        let tls = TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: "ind", in: pki), clientKey: DevPKI.privateKeyFile(for: "ind", in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
        var status = 0
        for _ in 0..<100 where status != 200 {
            status =
                (try? await client.get(url: URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1/openapi.json")!, tls: tls, timeout: .seconds(2)))?
                .status ?? 0
            if status != 200 { try await Task.sleep(for: .milliseconds(100)) }
        }
        await client.shutdown()
        #expect(status == 200, "the gateway's API answers while it runs")

        gateway.terminate()
        let deadline = Date().addingTimeInterval(10)
        while gateway.isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!gateway.isRunning, "a SIGTERM stops the gateway within 10 s")
        if !gateway.isRunning { #expect(gateway.terminationStatus == 0) }
        // Stopping, it signed a checkpoint over the chain's newest entry.
        let store = try SQLiteStore(path: configuration.store.path.path)
        #expect(try await store.read { try $0.lastCheckpoint() }?.seq == entry.seq)
    }

    @Test("with no schedules (files only through the inbox) it keeps serving until SIGTERM, and then stops cleanly")
    func servesWithoutSchedules() async throws {
        let gateway = try RunningGateway.start(withSchedules: false)
        defer { if gateway.process.isRunning { kill(gateway.process.processIdentifier, SIGKILL) } }
        #expect(gateway.configuration.schedules.isEmpty)
        #expect(try await gateway.waitUntilLive())
        #expect(await PlainHTTPGet.get(port: gateway.healthPort, path: "/health/ready")?.status == 200)
        #expect(gateway.process.isRunning, "a gateway without schedules is still running once it answers")
        #expect(await gateway.stop() == 0)
    }

    @Test("a port already in use stops a second run with exit 3 and one line naming the section's port and what to do")
    func portInUse() async throws {
        let gateway = try RunningGateway.start(withSchedules: false)
        defer { if gateway.process.isRunning { kill(gateway.process.processIdentifier, SIGKILL) } }
        #expect(try await gateway.waitUntilLive())
        let second = try await CLI.runDetached(["run", "--config", gateway.config.path])
        #expect(second.status == 3, "\(second)")
        let last = second.stderr.split(separator: "\n").last.map(String.init) ?? ""
        #expect(
            last.range(
                of: #"^ketenpoort: cannot listen on 127\.0\.0\.1:\d+ \((server|health)\.host, \1\.port\): the port is in use — "#,
                options: .regularExpression)
                != nil, "\(second.stderr)")
        #expect(!second.stderr.contains("bind(descriptor"))
        #expect(await gateway.stop() == 0)
    }
}
