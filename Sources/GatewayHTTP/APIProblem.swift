import HTTPClient
import HTTPTypes
import Hummingbird
import KetenpoortCore

/// A refusal of the gateway's API: an RFC 9457 problem with a stable code. Its detail names
/// fields and positions, never a value the caller sent.
struct APIProblem: Error {
    let problem: Problem
    /// Header fields the answer carries beside the problem (`Retry-After`).
    let headers: HTTPFields

    init(_ status: HTTPTypes.HTTPResponse.Status, _ code: String, _ detail: String, retryAfter seconds: Int? = nil) {
        problem = Problem(status: status, code: code, detail: detail)
        headers = seconds.map { [.retryAfter: String($0)] } ?? [:]
    }

    /// The answer.
    var response: Response { problem.response(headers: headers) }

    static func badRequest(_ code: String, _ detail: String) -> APIProblem { APIProblem(.badRequest, code, detail) }
}
