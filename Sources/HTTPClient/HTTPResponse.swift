import Foundation

/// The answer to an outbound request: status, header fields in arrival order, body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response (interim 1xx answers are not kept).
    public var status: Int
    /// Header fields of the final response, names as sent, in the order received.
    public var headers: [(name: String, value: String)]
    /// The response body.
    public var body: Data
    /// When the certificate of the peer that answered expires (HTTPS; nil otherwise).
    public var peerCertificateNotAfter: Date?

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header field called `name` (case-insensitive), if any.
    public func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }
}
