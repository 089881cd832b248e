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
        let gateway = try RunningGateway.start()
        defer { if gateway.process.isRunning { kill(gateway.process.processIdentifier, SIGKILL) } }
        let config = gateway.config, configuration = gateway.configuration
        func get(_ path: String) async -> HTTPResponse? { await PlainHTTPGet.get(port: gateway.healthPort, path: path) }
        func ready() async throws -> (HTTPResponse, Probe) {
            let response = try #require(await get("/health/ready"))
            return (response, try JSONDecoder().decode(Probe.self, from: response.body))
        }
        #expect(try await gateway.waitUntilLive(), "the node answers its liveness probe once it runs")

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

        let store = try SQLiteStore(path: configuration.store.path.path)
        let kinds = try await store.read { tx in
            var kinds: [String] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { kinds.append($0.kind) }
            return kinds
        }
        #expect(kinds.filter { $0.hasPrefix("maintenance.") } == ["maintenance.on", "maintenance.off"], "each change is on the audit chain")
        #expect(await gateway.stop() == 0)
    }
}
