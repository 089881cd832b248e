import Foundation
import HTTPTypes
import Hummingbird
import KetenpoortCore
import Logging
import NIOCore
import ServiceLifecycle

/// The probes a load balancer or Kubernetes asks, on a plain-HTTP port of their own (a probe has
/// no client certificate): `GET /health/live` — the process answers — and `GET /health/ready` —
/// every readiness check passes and the node is not in maintenance; else 503 with `Retry-After`,
/// so the node is drained. The answers name checks and outcomes, never a person. Run it as a `Service`.
public struct HealthServer: Service {
    let host: String
    let port: Int
    let checks: ReadinessChecks
    let logger: Logger
    private let readiness = ServerReadiness()

    /// How long a drained node asks the load balancer to wait before asking again.
    static let retryAfterSeconds = 30

    public init(host: String, port: Int, checks: ReadinessChecks, logger: Logger = Logger(label: "ketenpoort.health")) {
        self.host = host
        self.port = port
        self.checks = checks
        self.logger = logger
    }

    /// The port the server listens on, once it does.
    public func boundPort() async throws -> Int { try await readiness.port() }

    /// What `/health/ready` answers.
    struct ReadyAnswer: Encodable {
        /// `ready`, `not-ready` (a check failed) or `maintenance`.
        let status: String
        let maintenanceSince: String?
        let checks: [ReadinessChecks.Result]
    }

    public func run() async throws {
        let router = Router()
        let checks = checks
        router.get("/health/live") { _, _ in Self.json(.ok, #"{"status":"up"}"#) }
        router.get("/health/ready") { _, _ in
            let results = await checks.results()
            let since = await checks.maintenanceSince()
            let status = since != nil ? "maintenance" : results.allSatisfy(\.passed) ? "ready" : "not-ready"
            let answer = ReadyAnswer(status: status, maintenanceSince: since.map { ISO8601DateFormatter().string(from: $0) }, checks: results)
            let body = (try? JSONEncoder().encode(answer)).map { String(decoding: $0, as: UTF8.self) } ?? #"{"status":"not-ready"}"#
            var response = Self.json(status == "ready" ? .ok : .serviceUnavailable, body)
            if status != "ready" { response.headers[.retryAfter] = String(Self.retryAfterSeconds) }
            return response
        }
        let readiness = self.readiness
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: nil),
            onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) }, logger: logger)
        logger.notice("health probes listening", metadata: ["health.host": "\(host)", "health.port": "\(port)"])
        do {
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the health server has stopped"))
        } catch {
            let explained = ListenFailure.explained(error, section: "health", host: host, port: port)
            readiness.fail(explained)
            throw explained
        }
    }

    static func json(_ status: HTTPResponse.Status, _ body: String) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
