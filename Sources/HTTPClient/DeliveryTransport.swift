import Foundation

/// What the delivery worker needs of an HTTPS client: a POST over mutual TLS that answers with the
/// recipient's response or throws a `transport.*` error. `CurlClient` is the one the gateway uses;
/// the worker depends on this protocol only, so another transport can stand in front of it.
public protocol DeliveryTransport: Sendable {
    /// POSTs `body` to `url` and returns the final response, whatever its status.
    func post(url: URL, headers: [(name: String, value: String)], body: Data, tls: TLSClientSettings, timeout: Duration) async throws
        -> HTTPResponse
    /// POSTs a body read part by part as it is sent.
    func post(url: URL, headers: [(name: String, value: String)], body: StreamedBody, tls: TLSClientSettings, timeout: Duration) async throws
        -> HTTPResponse
}

extension CurlClient: DeliveryTransport {}
