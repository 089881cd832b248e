import Foundation
import Gateway
import GatewayHTTP
import HTTPTypes
import Hummingbird
import KetenpoortCore
import Logging
import NIOCore
import ServiceLifecycle
import Store

/// The operator console over HTTPS: the gateway's certificate, mutual TLS against its CA bundle,
/// and only for callers whose certificate carries the OIN of a registry party of role `operator`.
/// Forms are accepted only from the console's own pages (Fetch Metadata and `Origin`, as a
/// cross-site request would not carry them). Run it as a `Service`.
public struct ConsoleServer: Service {
    let listener: MutualTLSListener
    let console: OperatorConsole
    let logger: Logger
    private let readiness = ServerReadiness()

    public init(listener: MutualTLSListener, console: OperatorConsole, logger: Logger = Logger(label: "ketenpoort.console")) {
        self.listener = listener
        self.console = console
        self.logger = logger
    }

    /// The port the console listens on, once it does.
    public func boundPort() async throws -> Int { try await readiness.port() }

    typealias Handler = @Sendable (Request, MutualTLSRequestContext, OperatorIdentity) async throws -> Response

    public func run() async throws {
        do {
            let server = try listener.serverBuilder(logger: logger)
            let router = Router(context: MutualTLSRequestContext.self)
            for (path, method, handler) in routes() {
                router.on(RouterPath(path), method: method) { request, context in await guarded(request, context, method: method, handler) }
            }
            let readiness = self.readiness
            let app = Application(
                router: router, server: server,
                configuration: .init(address: .hostname(listener.host, port: listener.port), serverName: nil),
                onServerRunning: { channel in readiness.resolve(port: channel.localAddress?.port ?? 0) }, logger: logger)
            logger.notice("console listening", metadata: ["console.host": "\(listener.host)", "console.port": "\(listener.port)"])
            try await app.run()
            readiness.fail(KetenpoortError(.transportServerUnavailable, "the console has stopped"))
        } catch {
            let explained = ListenFailure.explained(error, section: "console", host: listener.host, port: listener.port)
            readiness.fail(explained)
            throw explained
        }
    }

    /// Every page and action.
    func routes() -> [(String, HTTPRequest.Method, Handler)] {
        let console = console
        @Sendable func page(_ title: String, _ operatorIdentity: OperatorIdentity, flash: String? = nil, _ body: HTML) -> Response {
            ConsolePage(title: title, operatorName: operatorIdentity.name, node: console.node, flash: flash, body: body).response()
        }
        return [
            ("/", .get, { _, _, who in page("Overview", who, try await console.overview()) }),
            (
                "/console.css", .get,
                { _, _, _ in ConsolePage.response(.ok, contentType: "text/css; charset=utf-8", body: ByteBuffer(string: ConsolePage.styleSheet)) }
            ),
            (
                "/batches", .get,
                { request, _, who in
                    let query = ConsoleForm(encoded: request.uri.query ?? "")
                    let status = query.value("status").flatMap(BatchStatus.init(rawValue:))
                    let resent = query.value("resent").flatMap(Int.init)
                    return page(
                        status == .deadLettered ? "Dead letters" : "Batches", who,
                        flash: resent.map { "\($0) batch(es) put back in line; the delivery worker sends them." },
                        try await console.batchList(
                            status: status, recipient: query.value("recipient").flatMap { $0.isEmpty ? nil : $0 },
                            run: query.value("run").map(RunID.init)))
                }
            ),
            (
                // A POST, and the text asked never shown again: an id typed in the wrong field (a BSN
                // pasted by mistake) must reach no URL, no page and no log.
                "/batches/find", .post,
                { request, context, who in
                    let id = try await Self.form(request, context).value("id")?.trimmingCharacters(in: .whitespaces) ?? ""
                    if !id.isEmpty, let location = try await console.find(id) { return ConsolePage.redirect(to: location) }
                    return page("Not found", who, "<p>No batch and no run has that id.</p>").withStatus(.notFound)
                }
            ),
            (
                "/batches/resend", .post,
                { request, context, who in
                    let form = try await Self.form(request, context)
                    return page("Confirm resend", who, try await console.resendConfirmation(form.values("batch").map(BatchID.init)))
                }
            ),
            (
                "/batches/resend/confirm", .post,
                { request, context, who in
                    let ids = try await Self.form(request, context).values("batch").map(BatchID.init)
                    let outcomes = try await console.resend(ids, by: who)
                    let resent = outcomes.filter { $0.1 == .resent }.map(\.0)
                    if resent.count == 1, ids.count == 1 {
                        return ConsolePage.redirect(to: "/batches/\(Self.pathComponent(resent[0].value))?resent=1")
                    }
                    return ConsolePage.redirect(to: "/batches?status=dead-lettered&resent=\(resent.count)")
                }
            ),
            (
                "/batches/:id", .get,
                { request, context, who in
                    let id = BatchID(context.parameters.get("id") ?? "")
                    guard let body = try await console.batchDetail(id) else {
                        return page("No such batch", who, "<p>The outbox holds no batch of that id.</p>").withStatus(.notFound)
                    }
                    // The flash of a resend, while it still waits: the browser reloads the same address.
                    let resent = ConsoleForm(encoded: request.uri.query ?? "").value("resent") != nil && body.status == .pending
                    return page("Batch \(id.value)", who, flash: resent ? "Put back in line; the delivery worker sends it." : nil, body.html)
                }
            ),
            (
                // A POST: the export is recorded on the audit chain, which a GET (a link another
                // site could embed) must not do.
                "/batches/:id/proof", .post,
                { _, context, who in
                    let id = BatchID(context.parameters.get("id") ?? "")
                    do {
                        let archive = try await console.proofArchive(of: id, by: who)
                        return ConsolePage.response(
                            .ok, contentType: "application/x-tar", body: ByteBuffer(bytes: archive),
                            extra: [.contentDisposition: "attachment; filename=\"proof-\(Self.fileName(id.value)).tar\""])
                    } catch let error as KetenpoortError where error.code == .auditProofUnavailable {
                        return page("No proof", who, "<p>\(error.reason)</p>").withStatus(.notFound)
                    }
                }
            ),
            ("/runs", .get, { _, _, who in page("Runs", who, try await console.runs()) }),
            ("/incidents", .get, { _, _, who in page("Incidents", who, try await console.incidentList()) }),
            ("/partners", .get, { _, _, who in page("Partners", who, try await console.partners()) }),
            (
                "/partners/:id/test", .post,
                { _, context, who in
                    guard let test = try await console.testConnection(to: context.parameters.get("id") ?? "", by: who) else {
                        return page("Partners", who, "<p>No partner of that id with an endpoint.</p>").withStatus(.notFound)
                    }
                    return page("Partners", who, try await console.partners(test: test))
                }
            ),
            (
                "/audit", .get,
                { request, _, who in
                    let flash: String? =
                        switch ConsoleForm(encoded: request.uri.query ?? "").value("maintenance") {
                        case "on": "This node is in maintenance now: its readiness probe drains it."
                        case "off": "This node is out of maintenance: its readiness probe answers as its checks say."
                        case "unchanged": "Nothing changed: the node was in that mode already."
                        default: nil
                        }
                    return page("Audit & maintenance", who, flash: flash, try await console.auditAndMaintenance())
                }
            ),
            (
                "/audit/verify", .post,
                { _, _, who in
                    let outcome = try await console.verifyAuditChain(by: who)
                    return page("Audit & maintenance", who, try await console.auditAndMaintenance(verified: outcome))
                }
            ),
            (
                "/maintenance", .post,
                { request, context, who in
                    let on = try await Self.form(request, context).value("mode") == "on"
                    let changed = try await console.setMaintenance(on, by: who)
                    return ConsolePage.redirect(to: "/audit?maintenance=\(changed ? (on ? "on" : "off") : "unchanged")")
                }
            ),
        ]
    }

    /// Runs `handler` for an operator; anyone else gets 403, a cross-site form 403, a failure a
    /// page naming its error code (never a value).
    func guarded(_ request: Request, _ context: MutualTLSRequestContext, method: HTTPRequest.Method, _ handler: Handler) async -> Response {
        guard let oin = await context.peerOIN(), let party = console.registry.party(oin: oin), party.party.role == .operator else {
            let oin = await context.peerOIN()
            logger.notice("console caller refused", metadata: ["caller.oin": "\(oin?.value ?? "none")"])
            return Self.refusal(.forbidden, "This console is for the gateway's operators: your certificate is not one of a registered operator.")
        }
        let actor = OperatorIdentity(name: party.party.name, oin: oin)
        if method == .post, let reason = Self.crossSiteReason(request) {
            logger.notice("console form refused", metadata: ["caller.oin": "\(oin.value)", "reason": "\(reason)"])
            return Self.refusal(.forbidden, "This form was not sent from the console's own page (\(reason)); open the console and try again.")
        }
        do {
            return try await handler(request, context, actor)
        } catch {
            let code = (error as? KetenpoortError)?.code.rawValue ?? "internal"
            logger.error("console request failed", metadata: ["console.path": "\(request.uri.path)", "error": "\(code)"])
            return ConsolePage(
                title: "Something failed", operatorName: actor.name, node: console.node,
                body: "<p>The request could not be completed (\(code)). Nothing was changed unless the audit chain says so; try again.</p>"
            ).response(.serviceUnavailable)
        }
    }

    /// Why a form post is refused as cross-site, nil when it came from the console's own page: a
    /// browser says so in `Sec-Fetch-Site`, an older one in `Origin` (which must be the host asked).
    static func crossSiteReason(_ request: Request) -> String? {
        if let site = request.headers[.secFetchSite], site != "same-origin", site != "none" { return "Sec-Fetch-Site \(site)" }
        if let origin = request.headers[.origin] {
            let expected = request.head.authority.map { "https://\($0)" }
            guard origin == expected else { return "Origin \(origin), not \(expected ?? "the console's")" }
        }
        return nil
    }

    /// The form body of a POST (at most 64 KiB).
    static func form(_ request: Request, _ context: MutualTLSRequestContext) async throws -> ConsoleForm {
        let body = try await request.body.collect(upTo: 64 << 10)
        return ConsoleForm(encoded: String(buffer: body))
    }

    static func refusal(_ status: HTTPResponse.Status, _ message: String) -> Response {
        let html: HTML =
            "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Refused</title></head><body><p>\(message)</p></body></html>"
        return ConsolePage.response(status, contentType: "text/html; charset=utf-8", body: ByteBuffer(string: html.text))
    }

    /// `value` as one URL path segment.
    static func pathComponent(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? ""
    }

    /// `value` as a query parameter's value.
    static func queryValue(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    /// `value` with only the characters safe in a download's file name.
    static func fileName(_ value: String) -> String { String(value.map { $0.isLetter || $0.isNumber || "-._".contains($0) ? $0 : "_" }) }
}

extension Response {
    /// The response with another status.
    func withStatus(_ status: HTTPResponse.Status) -> Response {
        var response = self
        response.status = status
        return response
    }
}
