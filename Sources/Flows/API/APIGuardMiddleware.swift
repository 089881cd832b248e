import Hummingbird
import KetenpoortCore
import Transport

/// Runs before every route of the gateway's API: a BSN in the path or query string is refused
/// (it would end up in logs and proxies), and whatever the router answers without a body — an
/// unknown path, a wrong method — becomes a problem+json answer too.
struct APIGuardMiddleware: RouterMiddleware {
    typealias Context = MutualTLSRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if BSN.occurs(in: request.uri.path.utf8) || BSN.occurs(in: (request.uri.query ?? "").utf8) {
            return APIProblem.badRequest("request.bsn-in-url", "a BSN may not be sent in the URL; send it in the body").problem.response()
        }
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            let problem =
                error.status == .notFound
                ? APIProblem(.notFound, "request.unknown-path", "there is no such endpoint")
                : APIProblem(.methodNotAllowed, "request.method-not-allowed", "this endpoint does not take that method")
            return problem.problem.response()
        }
    }
}
