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

/// The probes a load balancer asks of a node (`/health/live`, `/health/ready`, plain HTTP) and
/// `ketenpoort maintenance`, through a real `ketenpoort run`.
@Suite("Health probes and maintenance mode")
struct HealthProbeTests {
    struct Probe: Decodable {
        struct Check: Decodable {
            let name: String
            let status: String
            let detail: String
        }
        let status: String
        let maintenanceSince: String?
        let checks: [Check]
    }

    @Test("ready when every check passes; maintenance on drains the node (503, Retry-After) while it stays live; off makes it ready again")
    func readyAndMaintenance() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let port = try LoopbackPort.free()
        let healthPort = try LoopbackPort.free()
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: \(port)")
        yaml += "\nhealth: { port: \(healthPort), certificateDays: 14, minFreeMiB: 1 }\n"
        let config = directory.file("ketenpoort.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: config)
        let pki = directory.file("var/pki")
        _ = try DevPKI.initialize(directory: pki, parties: try configuration.devIdentities(), now: Date())
        let gateway = try CLI.launch(["run", "--config", config.path])
        defer { if gateway.isRunning { kill(gateway.processIdentifier, SIGKILL) } }

        func get(_ path: String) async -> HTTPResponse? { await PlainHTTPGet.get(port: healthPort, path: path) }
        func ready() async throws -> (HTTPResponse, Probe) {
            let response = try #require(await get("/health/ready"))
            return (response, try JSONDecoder().decode(Probe.self, from: response.body))
        }
        var live = await get("/health/live")
        for _ in 0..<200 where live?.status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            live = await get("/health/live")
        }
        #expect(live?.status == 200, "the node answers its liveness probe once it runs")

        let (first, probe) = try await ready()
        #expect(first.status == 200 && probe.status == "ready")
        #expect(probe.checks.map(\.name) == ["store", "processing-log", "certificate", "ca-bundle", "disk"])
        #expect(probe.checks.allSatisfy { $0.status == "pass" }, "\(probe.checks.map { "\($0.name): \($0.detail)" })")

        // The operator's command, at the time the gateway runs at (not the samples' fixed day).
        let now = ["KETENPOORT_NOW": ISO8601DateFormatter().string(from: Date())]
        let on = try await CLI.runDetached(["maintenance", "on", "--config", config.path], environment: now)
        #expect(on.status == 0, "\(on)")
        let (drained, drainedProbe) = try await ready()
        #expect(drained.status == 503 && drainedProbe.status == "maintenance" && drainedProbe.maintenanceSince != nil)
        #expect(drained.header("Retry-After") == "30")
        #expect(await get("/health/live")?.status == 200, "in maintenance the node stays live: it is drained, not restarted")
        #expect(
            try await CLI.runDetached(["maintenance", "status", "--config", config.path], environment: now).stdout.contains("is in maintenance since")
        )

        let off = try await CLI.runDetached(["maintenance", "off", "--config", config.path], environment: now)
        #expect(off.status == 0, "\(off)")
        #expect(try await ready().0.status == 200)

        gateway.terminate()
        #expect(await CLI.exitStatus(of: gateway) == 0)
        let store = try SQLiteStore(path: configuration.store.path.path)
        let kinds = try await store.read { tx in
            var kinds: [String] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { kinds.append($0.kind) }
            return kinds
        }
        #expect(kinds.filter { $0.hasPrefix("maintenance.") } == ["maintenance.on", "maintenance.off"], "each change is on the audit chain")
    }
}
