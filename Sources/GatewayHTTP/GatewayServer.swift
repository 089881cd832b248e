import Crypto
import Foundation
import Gateway
import HTTPClient
import HTTPTypes
import Hummingbird
import KetenpoortCore
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import Store

/// The gateway's own HTTPS endpoint (mutual TLS): the IND status query API (formats.md §4) with
/// its OpenAPI document, the inbox where partners deliver files (`/api/inbox/v1/<contract>`), and
/// `/metrics` (counts only) for any registered party.
/// A caller is the party whose OIN its certificate carries; only the IND role may ask questions,
/// and only a contract's producer may deliver its files. Run it as a `Service`.
public struct GatewayServer: Service {
    /// The API's version, sent as `API-Version` on every answer.
    public static let apiVersion = APIResponseHeaders.apiVersion
    static let basePath = "/api/inburgering/v1"

    public struct Configuration: Sendable {
        public var listener: MutualTLSListener
        /// The OpenAPI 3.1 document served at `…/openapi.json`.
        public var openAPIDocument: URL

        public init(listener: MutualTLSListener, openAPIDocument: URL) {
            self.listener = listener
            self.openAPIDocument = openAPIDocument
        }
    }

    let configuration: Configuration
    let registry: PartyRegistry
    let api: StatusQueryAPI
    let incidents: IncidentRegister
    let inbox: GatewayInbox?
    /// The role that produces each contract's files (who may deliver them to the inbox).
    let producers: [String: Role]
    let logger: Logger
    /// Where `ketenpoort run` has swift-metrics record (nil: in-process servers of tests, whose
    /// `/metrics` shows the store's gauges only).
    let metricsRegistry: PrometheusCollectorRegistry?
    /// The partners' certificates as the delivery worker's handshakes saw them, for `/metrics`.
    let partnerCertificates: PartnerCertificates?
    private let readiness = ServerReadiness()
    /// The event loop of the listening socket, once it listens.
    private let listening = LockedValue<(any EventLoop)?>(nil)

    public init(
        configuration: Configuration, registry: PartyRegistry, api: StatusQueryAPI, incidents: IncidentRegister, inbox: GatewayInbox? = nil,
        producers: [String: Role] = [:], metricsRegistry: PrometheusCollectorRegistry? = nil, partnerCertificates: PartnerCertificates? = nil,
        logger: Logger = Logger(label: "ketenpoort.api")
    ) {
        self.metricsRegistry = metricsRegistry
        self.partnerCertificates = partnerCertificates
        self.configuration = configuration
        self.registry = registry
        self.api = api
        self.incidents = incidents
        self.inbox = inbox
        self.producers = producers
        self.logger = logger
    }

    /// The port the server listens on, once it does.
    public func boundPort() async throws -> Int { try await readiness.port() }

    /// The event loop the server listens on, once it does (a loop of `ListenerEventLoops`).
    var listenerEventLoop: (any EventLoop)? { listening.withLock { $0 } }

    public func run() async throws {
        do {
            let server = try configuration.listener.serverBuilder(logger: logger)
            let openAPI: Data
            do {
                openAPI = try Data(contentsOf: configuration.openAPIDocument)
            } catch {
                throw KetenpoortError(.transportServerUnavailable, "cannot read the OpenAPI document \(configuration.openAPIDocument.path)")
            }
            // One list for the routes and for the `Allow` of a known path asked with another method.
            let routes: [(path: String, method: HTTPRequest.Method, handler: @Sendable (Request, MutualTLSRequestContext) async -> Response)] = [
                ("\(Self.basePath)/statusvragen", .post, { request, context in await question(request, context, bulk: false) }),
                ("\(Self.basePath)/statusvragen/bulk", .post, { request, context in await question(request, context, bulk: true) }),
                ("\(Self.basePath)/openapi.json", .get, { _, context in await document(openAPI, context) }),
                ("/api/inbox/v1/:contract", .post, { request, context in await inboxFile(request, context) }),
                ("/metrics", .get, { _, context in await metrics(context) }),
            ]
            let router = Router(context: MutualTLSRequestContext.self)
            router.add(middleware: APIGuardMiddleware(allowed: AllowedMethods(routes.map { ($0.path, $0.method) })))
            for route in routes {
                router.on(RouterPath(route.path), method: route.method) { request, context in await route.handler(request, context) }
            }
            let (readiness, listening) = (self.readiness, self.listening)
            let app = Application(
                router: router, server: server,
                configuration: .init(address: .hostname(configuration.listener.host, port: configuration.listener.port), serverName: nil),
                onServerRunning: { channel in
                    listening.withLock { $0 = channel.eventLoop }
                    readiness.resolve(port: channel.localAddress?.port ?? 0)
                },
                eventLoopGroupProvider: .shared(ListenerEventLoops.group), logger: logger)
            logger.notice("API listening", metadata: ["api.host": "\(configuration.listener.host)", "api.port": "\(configuration.listener.port)"])
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the server has stopped"))
        } catch {
            let explained = ListenFailure.explained(error, section: "server", host: configuration.listener.host, port: configuration.listener.port)
            readiness.fail(explained)
            throw explained
        }
    }

    /// `GET …/openapi.json`: the document, to any registered party.
    private func document(_ openAPI: Data, _ context: MutualTLSRequestContext) async -> Response {
        do {
            _ = try await caller(context, allowed: Role.allCases, asking: "the OpenAPI document")
        } catch let problem as APIProblem {
            return problem.problem.response()
        } catch {
            return APIProblem(.internalServerError, "internal", "the document could not be given").problem.response()
        }
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI)))
    }

    /// `GET /metrics`: counts only, to any registered party.
    private func metrics(_ context: MutualTLSRequestContext) async -> Response {
        do {
            _ = try await caller(context, allowed: Role.allCases, asking: "the metrics")
            let text = try await GatewayMetrics(
                store: api.store, register: incidents, clock: api.clock, registry: metricsRegistry ?? PrometheusCollectorRegistry(),
                recipients: registry.parties.filter { $0.endpoint != nil }.map(\.party.id), certificate: configuration.listener.certificateChain,
                partnerCertificates: partnerCertificates
            ).text()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"], body: .init(byteBuffer: ByteBuffer(string: text)))
        } catch let problem as APIProblem {
            return problem.problem.response()
        } catch {
            logger.error("metrics failed", metadata: ["api.error": "\((error as? KetenpoortError)?.code.rawValue ?? "internal")"])
            return APIProblem(.internalServerError, "internal", "the metrics could not be read").problem.response()
        }
    }

    /// `POST …/statusvragen[/bulk]`.
    private func question(_ request: Request, _ context: MutualTLSRequestContext, bulk: Bool) async -> Response {
        let trace = StatusQueryAPI.Trace(caller: request.headers[Self.traceparent].flatMap(TraceParent.init))
        do {
            let party = try await caller(context, allowed: [.ind], asking: bulk ? "a bulk status question" : "a status question")
            guard Self.isJSON(request.headers[.contentType]) else {
                throw APIProblem(.unsupportedMediaType, "request.media-type", "the body must be application/json")
            }
            let body: Data
            do {
                body = Data(buffer: try await request.body.collect(upTo: 64 << 10))
            } catch {
                throw APIProblem(.contentTooLarge, "request.too-large", "the body exceeds 64 KiB")
            }
            let question = try StatusQuestion.parse(body, bulk: bulk)
            let answers = try await api.answer(question, caller: party.party.oin, trace: trace)
            let json = StatusAnswer.json(answers, bulk: bulk)
            return answer(
                Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json))), trace: trace)
        } catch let problem as APIProblem {
            logger.notice("question refused", metadata: ["api.code": "\(problem.problem.code)", "api.status": "\(problem.problem.status)"])
            return answer(problem.problem.response(), trace: trace)
        } catch {
            logger.error("question failed", metadata: ["api.error": "\((error as? KetenpoortError)?.code.rawValue ?? "internal")"])
            return answer(APIProblem(.internalServerError, "internal", "the question could not be answered").problem.response(), trace: trace)
        }
    }

    /// `POST /api/inbox/v1/:contract`: the body is streamed to a file and hashed on the way.
    private func inboxFile(_ request: Request, _ context: MutualTLSRequestContext) async -> Response {
        let contract = context.parameters.get("contract") ?? ""
        do {
            guard let inbox, let producer = producers[contract], inbox.contracts.contains(contract) else {
                throw APIProblem(.notFound, "inbox.contract-unknown", "the inbox takes no files of this contract")
            }
            let party = try await caller(context, allowed: [producer], asking: "a file of \(contract)")
            guard let key = request.headers[Self.idempotencyKey], DeliveryHeaders.isIdempotencyKey(key) else {
                throw APIProblem.badRequest("inbox.idempotency-key-invalid", "Idempotency-Key (1–128 of A-Z a-z 0-9 . _ -) is required")
            }
            guard let digest = request.headers[Self.contentDigest] else {
                throw APIProblem.badRequest("inbox.digest-missing", "Content-Digest is required")
            }
            guard let fileName = Self.fileName(request.headers[.contentDisposition]) else {
                throw APIProblem.badRequest("inbox.filename-missing", "Content-Disposition: attachment; filename=\"…\" is required")
            }
            // Both end up in file names, receipts and log lines: no BSN may ride along (nine digits:
            // eight would refuse every other date in a name).
            guard !BSN.occurs(in: key.utf8), !BSN.occurs(in: fileName.utf8) else {
                throw APIProblem.badRequest("inbox.bsn-in-header", "Idempotency-Key and the file name may not hold a BSN")
            }
            let body = try inbox.temporaryFile()
            let digests: (sha256: Data, sha512: Data?)
            do {
                let file = try InboxBodyFile(url: body, sha512: ContentDigest.namesSHA512(digest))
                for try await buffer in request.body {
                    guard file.size + buffer.readableBytes <= Self.maximumInboxFile else {
                        throw APIProblem(.contentTooLarge, "inbox.too-large", "the file exceeds \(Self.maximumInboxFile >> 20) MiB")
                    }
                    try await file.append(buffer)
                }
                digests = try await file.finish()
            } catch {
                // Up to 1 GiB: removed in steps, so its discard never holds an answer's fsync.
                GradualRemoval.remove(body.path)
                throw error
            }
            let (created, signed) = try await inbox.accept(
                GatewayInbox.Delivery(
                    contract: contract, key: key, fileName: fileName, digestField: digest, signature: request.headers[Self.signature], body: body,
                    sha256: digests.sha256, sha512: digests.sha512, sender: party.party.oin))
            // A file the flow rejected is a permanent refusal (§8: stop retrying); a new one is created; a known one 409.
            let status: HTTPTypes.HTTPResponse.Status = signed.receipt.outcome == "rejected" ? .unprocessableContent : created ? .created : .conflict
            return answer(signed.response(status: status), trace: nil)
        } catch let problem as APIProblem {
            logger.notice("inbox file refused", metadata: ["api.code": "\(problem.problem.code)", "inbox.contract": "\(contract.prefix(40))"])
            return answer(problem.response, trace: nil)
        } catch {
            logger.error(
                "inbox file failed",
                metadata: ["inbox.contract": "\(contract.prefix(40))", "api.error": "\((error as? KetenpoortError)?.code.rawValue ?? "internal")"])
            return answer(APIProblem(.internalServerError, "inbox.failed", "the file could not be processed").problem.response(), trace: nil)
        }
    }

    /// The largest file the inbox takes.
    static let maximumInboxFile = 1 << 30

    /// The `filename` of `Content-Disposition: attachment; filename="…"`, when it is a plain name.
    static func fileName(_ disposition: String?) -> String? {
        guard let disposition else { return nil }
        for parameter in disposition.split(separator: ";").dropFirst() {
            let parts = parameter.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parts.count == 2, parts[0].lowercased() == "filename" else { continue }
            let name =
                parts[1].hasPrefix("\"") && parts[1].hasSuffix("\"") && parts[1].count >= 2 ? String(parts[1].dropFirst().dropLast()) : parts[1]
            let isPlain =
                !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
                && name.utf8.allSatisfy { ASCII.isDigit($0) || ASCII.isUpper($0) || ASCII.isLower($0) || $0 == 45 || $0 == 95 || $0 == 46 }
            return isPlain ? name : nil
        }
        return nil
    }

    /// The registered party behind the client certificate, if its role may do what it asks; a
    /// refusal is logged and a refused registered or unregistered OIN is an `unauthorised-access` incident.
    private func caller(_ context: MutualTLSRequestContext, allowed: [Role], asking what: String) async throws -> RegisteredParty {
        guard let oin = await context.peerOIN() else {
            logger.notice("caller refused", metadata: ["api.code": "caller.certificate-missing"])
            throw APIProblem(.unauthorized, "caller.certificate-missing", "a client certificate carrying an OIN is required")
        }
        let party = registry.party(oin: oin)
        if let party, allowed.contains(party.party.role) { return party }
        let code = party == nil ? "caller.unknown" : "caller.role-not-allowed"
        logger.notice(
            "caller refused", metadata: ["api.code": "\(code)", "caller.oin": "\(oin.value)", "caller.party": "\(party?.party.id ?? "unregistered")"])
        let register = incidents
        let partyID = party?.party.id
        do {
            // The incident waits for the store's write lock, never an answer.
            try await api.store.write { tx in
                _ = try register.unauthorisedAccess(caller: oin, party: partyID, request: what, categories: [.identifier, .personal], in: tx)
            }
        } catch {
            // The caller is refused either way; an incident that could not be recorded is itself an alert.
            logger.critical("unauthorised-access incident not recorded", metadata: ["caller.oin": "\(oin.value)", "error": "\(error)"])
        }
        throw APIProblem(.forbidden, code, party == nil ? "the certificate's OIN is not a registered party" : "this party's role may not ask this")
    }

    /// Adds the trace header (`APIGuardMiddleware` adds the ones every answer carries).
    private func answer(_ response: Response, trace: StatusQueryAPI.Trace?) -> Response {
        guard let trace else { return response }
        var response = response
        response.headers[Self.traceparent] = trace.header
        return response
    }

    /// Whether the media type is `application/json` (any case, parameters allowed).
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let expected = "application/json".utf8
        let bytes = contentType.utf8.drop { $0 == 32 || $0 == 9 }
        guard bytes.count >= expected.count, zip(bytes, expected).allSatisfy({ $0 | 0x20 == $1 || $0 == $1 }) else { return false }
        let rest = bytes.dropFirst(expected.count).drop { $0 == 32 || $0 == 9 }
        return rest.isEmpty || rest.first == UInt8(ascii: ";")
    }

    static let traceparent = HTTPField.Name("traceparent")!
    static let idempotencyKey = HTTPField.Name(DeliveryHeaders.Name.idempotencyKey)!
    static let contentDigest = HTTPField.Name(DeliveryHeaders.Name.contentDigest)!
    static let signature = HTTPField.Name(DeliveryHeaders.Name.signature)!
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension GatewayServer: CustomStringConvertible {
    public var description: String { "GatewayServer" }
}
