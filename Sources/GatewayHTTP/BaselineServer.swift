import Foundation
import HTTPTypes
import Hummingbird
import KetenpoortCore
import Logging
import NIOCore

/// The floor `bench-api` measures the gateway's figures against: the gateway's HTTPS stack
/// (Hummingbird over the same mutual-TLS listener, the caller's OIN read from its certificate, the
/// body collected, the API's headers) answering every status question with one fixed answer — no
/// store read, no processing-log commit. What the load generator gets from it on a machine is
/// what the stack and the machine allow; the gateway's own work is the difference.
public struct BaselineServer: Sendable {
    let listener: MutualTLSListener
    let logger: Logger
    private let readiness = ServerReadiness()

    public init(listener: MutualTLSListener, logger: Logger = Logger(label: "ketenpoort.baseline")) {
        self.listener = listener
        self.logger = logger
    }

    /// The fixed answer: that of a person the store does not hold, as the gateway would give it.
    static let answer = StatusAnswer.json([StatusAnswer(nil, peildatum: "2026-11-23")], bulk: false)

    /// The port the server listens on, once it does.
    public func boundPort() async throws -> Int { try await readiness.port() }

    /// Serves until its task is cancelled or the process ends.
    public func run() async throws {
        let router = Router(context: MutualTLSRequestContext.self)
        router.post("\(GatewayServer.basePath)/statusvragen") { request, context in
            guard await context.peerOIN() != nil else {
                return Response(status: .unauthorized)
            }
            _ = try await request.body.collect(upTo: 64 << 10)
            var response = Response(
                status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: Self.answer)))
            APIResponseHeaders.add(to: &response.headers)
            return response
        }
        let readiness = self.readiness
        let app = Application(
            router: router, server: try listener.serverBuilder(logger: logger),
            configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: nil),
            onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) },
            eventLoopGroupProvider: .shared(ListenerEventLoops.group), logger: logger)
        do {
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the server has stopped"))
        } catch {
            readiness.fail(error)
            throw error
        }
    }
}
