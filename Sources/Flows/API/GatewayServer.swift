import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import KetenpoortCore
import Logging
import NIOCore
import ServiceLifecycle
import Store
import Transport

/// The gateway's own HTTPS endpoint (mutual TLS): the IND status query API (formats.md §4) and
/// its OpenAPI document. A caller is the party whose OIN its certificate carries; only the IND
/// role may ask. Run it as a `Service`.
public struct GatewayServer: Service {
    /// The API's version, sent as `API-Version` on every answer.
    public static let apiVersion = "1.0.0"
    static let basePath = "/api/inburgering/v1"

    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var certificateChain: URL
        public var privateKey: URL
        public var trustedCA: URL
        /// The OpenAPI 3.1 document served at `…/openapi.json`.
        public var openAPIDocument: URL

        public init(host: String, port: Int, certificateChain: URL, privateKey: URL, trustedCA: URL, openAPIDocument: URL) {
            self.host = host
            self.port = port
            self.certificateChain = certificateChain
            self.privateKey = privateKey
            self.trustedCA = trustedCA
            self.openAPIDocument = openAPIDocument
        }
    }

    let configuration: Configuration
    let registry: PartyRegistry
    let api: StatusQueryAPI
    let incidents: IncidentRegister
    let logger: Logger
    private let readiness = ServerReadiness()

    public init(configuration: Configuration, registry: PartyRegistry, api: StatusQueryAPI, incidents: IncidentRegister, logger: Logger = Logger(label: "ketenpoort.api")) {
        self.configuration = configuration
        self.registry = registry
        self.api = api
        self.incidents = incidents
        self.logger = logger
    }

    /// The port the server listens on, once it does.
    public func boundPort() async throws -> Int { try await readiness.port() }

    public func run() async throws {
        do {
            let tls = try ClientCertificateCheck.channelConfiguration(
                certificateChain: configuration.certificateChain, privateKey: configuration.privateKey, trustedCA: configuration.trustedCA,
                logger: logger)
            let openAPI: Data
            do {
                openAPI = try Data(contentsOf: configuration.openAPIDocument)
            } catch {
                throw KetenpoortError(.transportServerUnavailable, "cannot read the OpenAPI document \(configuration.openAPIDocument.path)")
            }
            let router = Router(context: MutualTLSRequestContext.self)
            router.add(middleware: APIGuardMiddleware())
            router.post("\(Self.basePath)/statusvragen") { request, context in await question(request, context, bulk: false) }
            router.post("\(Self.basePath)/statusvragen/bulk") { request, context in await question(request, context, bulk: true) }
            router.get("\(Self.basePath)/openapi.json") { request, context in
                do {
                    _ = try await caller(context, allowed: Role.allCases, asking: "the OpenAPI document")
                } catch let problem as APIProblem {
                    return answer(problem.problem.response(), trace: nil)
                }
                return answer(Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: openAPI))), trace: nil)
            }
            let readiness = self.readiness
            let app = Application(
                router: router, server: try .tls(.http1(), configuration: tls),
                configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: nil),
                onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) }, logger: logger)
            logger.notice("API listening", metadata: ["api.host": "\(configuration.host)", "api.port": "\(configuration.port)"])
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the server has stopped"))
        } catch {
            readiness.fail(error)
            throw error
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
            return answer(Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: json))), trace: trace)
        } catch let problem as APIProblem {
            logger.notice("question refused", metadata: ["api.code": "\(problem.problem.code)", "api.status": "\(problem.problem.status)"])
            return answer(problem.problem.response(), trace: trace)
        } catch {
            logger.error("question failed", metadata: ["api.error": "\((error as? KetenpoortError)?.code.rawValue ?? "internal")"])
            return answer(APIProblem(.internalServerError, "internal", "the question could not be answered").problem.response(), trace: trace)
        }
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
        logger.notice("caller refused", metadata: ["api.code": "\(code)", "caller.oin": "\(oin.value)", "caller.party": "\(party?.party.id ?? "unregistered")"])
        let register = incidents
        try? await api.writer.write { tx in
            _ = try register.unauthorisedAccess(caller: oin, party: party?.party.id, request: what, categories: [.identifier, .personal], in: tx)
        }
        throw APIProblem(.forbidden, code, party == nil ? "the certificate's OIN is not a registered party" : "this party's role may not ask this")
    }

    /// Adds the headers every answer carries.
    private func answer(_ response: Response, trace: StatusQueryAPI.Trace?) -> Response {
        var response = response
        response.headers[Self.apiVersionField] = Self.apiVersion
        if let trace { response.headers[Self.traceparent] = trace.header }
        return response
    }

    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        return contentType.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() == "application/json"
    }

    static let traceparent = HTTPField.Name("traceparent")!
    static let apiVersionField = HTTPField.Name("API-Version")!
}
