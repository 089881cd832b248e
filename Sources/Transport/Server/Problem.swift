import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem+json answer with a stable code; its detail never contains payload data.
struct Problem: Encodable, Sendable {
    var type = "about:blank"
    var title: String
    var status: Int
    var code: String
    var detail: String

    init(status: HTTPTypes.HTTPResponse.Status, code: String, detail: String) {
        self.title = status.reasonPhrase
        self.status = status.code
        self.code = code
        self.detail = detail
    }

    /// The response, with extra header fields (e.g. `Retry-After`).
    func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
