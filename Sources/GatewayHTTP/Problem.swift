import Foundation
import HTTPTypes
import Hummingbird

/// An RFC 9457 problem+json answer with a stable code; its detail never contains payload data.
public struct Problem: Encodable, Sendable {
    public var type = "about:blank"
    public var title: String
    public var status: Int
    public var code: String
    public var detail: String

    public init(status: HTTPTypes.HTTPResponse.Status, code: String, detail: String) {
        self.title = status.reasonPhrase
        self.status = status.code
        self.code = code
        self.detail = detail
    }

    /// The response, with extra header fields (e.g. `Retry-After`).
    public func response(headers extra: HTTPFields = [:]) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = (try? encoder.encode(self)) ?? Data()
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        headers.append(contentsOf: extra)
        return Response(status: .init(code: status), headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
