import Foundation
import Gateway
import HTTPTypes
import Hummingbird
import KetenpoortCore

/// Runs before every route of the gateway's API: a BSN in the path or query string is refused
/// (it would end up in logs and proxies); whatever the router answers without a body becomes a
/// problem+json answer too — an unknown path 404, a known path asked with another method 405 with
/// `Allow`, any other error its status (5xx: 500); and every answer carries `API-Version` and the
/// security headers of the NL API Design Rules (``APIResponseHeaders``).
struct APIGuardMiddleware: RouterMiddleware {
    typealias Context = MutualTLSRequestContext

    let allowed: AllowedMethods

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var response: Response
        if BSN.occurs(in: request.uri.path.utf8) || BSN.occurs(in: (request.uri.query ?? "").utf8) {
            response = APIProblem.badRequest("request.bsn-in-url", "a BSN may not be sent in the URL; send it in the body").problem.response()
        } else {
            do {
                response = try await next(request, context)
            } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
                if let methods = allowed.methods(for: request.uri.path) {
                    let problem = APIProblem(
                        .methodNotAllowed, "request.method-not-allowed", "this endpoint takes \(AllowedMethods.allow(methods)) only")
                    response = problem.problem.response(headers: [.allow: AllowedMethods.allow(methods)])
                } else {
                    response = APIProblem(.notFound, "request.unknown-path", "there is no such endpoint").problem.response()
                }
            } catch let error as HTTPError where (400..<500).contains(error.status.code) {
                response = APIProblem(error.status, "request.refused", "the request cannot be taken").problem.response()
            } catch {
                response = APIProblem(.internalServerError, "internal", "the request could not be handled").problem.response()
            }
        }
        APIResponseHeaders.add(to: &response.headers)
        // The route's pattern (`/api/inbox/v1/{contract}`), never the path asked.
        Telemetry.apiRequest(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - started)
        return response
    }
}
