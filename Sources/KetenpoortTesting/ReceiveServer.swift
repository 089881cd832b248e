import Foundation
import GatewayHTTP
import Hummingbird
import HummingbirdTLS
import KetenpoortCore
import Logging
import Sealing
import ServiceLifecycle

/// A recipient's endpoint (`ketenpoort receive`): accepts deliveries per formats.md §8 over mutual TLS
/// and stores them, for `make run` and for tests. Run it as a `Service`.
///
/// `POST /inbox/:party` checks `Idempotency-Key` and `Content-Digest` (and the signature when a
/// `verifier` is set), stores the body under `<dir>/<party>/<key>.<ext>` and answers `201` with an
/// `InboxReceipt`; the same key again answers `409` with the first receipt and stores nothing.
///
/// ```swift
/// let server = ReceiveServer(configuration: .init(directory: inbox, certificateChain: cert, privateKey: key, trustedCA: ca))
/// try await withThrowingDiscardingTaskGroup { group in
///     group.addTask { try await server.run() }
///     let port = try await server.boundPort()
/// }
/// ```
public struct ReceiveServer: Service {
    /// How the server listens, what it trusts and where it stores.
    public struct Configuration: Sendable {
        /// The address to listen on; loopback by default.
        public var host: String = "127.0.0.1"
        /// The port; 0 picks a free one (see `boundPort()`).
        public var port: Int = 0
        /// Where accepted batches are stored.
        public var directory: URL
        /// The server's certificate chain (PEM, leaf first).
        public var certificateChain: URL
        /// The server's private key (PEM).
        public var privateKey: URL
        /// The CA (PEM) client certificates must chain to.
        public var trustedCA: URL
        /// A dev PKI folder: a client that names `<id>.localhost` (SNI) gets `id`'s own certificate
        /// from it instead of `certificateChain`, so one receiver serves every party as itself.
        public var partyCertificates: URL?
        /// Whether batches go to `<dir>/<party>/` (true) or straight into `<dir>`.
        public var storesByParty = true
        /// A larger body is refused with 413.
        public var maximumBodySize = 64 << 20
        /// Scripted faults, for tests and demos.
        public var faultPlan: FaultPlan?
        /// Decides each request's fault instead of `faultPlan`, for tests that order faults by events.
        public var faultHook: FaultHook?
        /// Checks `Ketenpoort-Signature` against the body; a throw answers 400. When set, the header is required.
        public var verifier: (@Sendable (_ body: HashedPayload, _ signature: String) async throws -> Void)?

        /// A configuration; the remaining settings have defaults.
        public init(
            host: String = "127.0.0.1", port: Int = 0, directory: URL, certificateChain: URL, privateKey: URL, trustedCA: URL,
            storesByParty: Bool = true, faultPlan: FaultPlan? = nil,
            verifier: (@Sendable (_ body: HashedPayload, _ signature: String) async throws -> Void)? = nil, faultHook: FaultHook? = nil,
            partyCertificates: URL? = nil
        ) {
            self.host = host
            self.port = port
            self.directory = directory
            self.certificateChain = certificateChain
            self.privateKey = privateKey
            self.trustedCA = trustedCA
            self.storesByParty = storesByParty
            self.faultPlan = faultPlan
            self.verifier = verifier
            self.faultHook = faultHook
            self.partyCertificates = partyCertificates
        }
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    private let logger: Logger
    private let readiness = ServerReadiness()

    /// A server; nothing is opened before `run()`.
    public init(configuration: Configuration, logger: Logger = Logger(label: "ketenpoort.receive")) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The port the server listens on, once it does; throws if it could not start or has stopped.
    public func boundPort() async throws -> Int {
        try await readiness.port()
    }

    /// Listens until a graceful shutdown (or cancellation), then finishes the requests in progress.
    public func run() async throws {
        do {
            var tls = try ServerTLS.configuration(
                certificateChain: configuration.certificateChain, privateKey: configuration.privateKey, trustedCA: configuration.trustedCA)
            tls.sslContextCallback = configuration.partyCertificates.map { PartyCertificates(directory: $0).callback }
            let router = Router(context: MutualTLSRequestContext.self)
            let handler = InboxHandler(configuration: configuration, logger: logger)
            router.post("/inbox/:party") { request, context in
                await handler.handle(request, context: context)
            }
            let readiness = self.readiness
            let app = Application(
                router: router,
                server: try .tls(.http1(), tlsConfiguration: tls),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) },
                logger: logger
            )
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the server has stopped"))
        } catch {
            readiness.fail(error)
            throw error
        }
    }
}
