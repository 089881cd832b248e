import HTTPClient
import HTTPTypes
import KetenpoortCore

/// A refusal of the gateway's API: an RFC 9457 problem with a stable code. Its detail names
/// fields and positions, never a value the caller sent.
struct APIProblem: Error {
    let problem: Problem

    init(_ status: HTTPTypes.HTTPResponse.Status, _ code: String, _ detail: String) {
        problem = Problem(status: status, code: code, detail: detail)
    }

    static func badRequest(_ code: String, _ detail: String) -> APIProblem { APIProblem(.badRequest, code, detail) }
}
