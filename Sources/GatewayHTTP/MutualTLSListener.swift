import Foundation
import HummingbirdCore
import HummingbirdTLS
import Logging

/// Where a mutual-TLS endpoint of the gateway (the API, the console) listens, what it presents —
/// the gateway's certificate chain and key — and which CA its callers' certificates must chain to.
public struct MutualTLSListener: Sendable {
    public var host: String
    public var port: Int
    public var certificateChain: URL
    public var privateKey: URL
    public var trustedCA: URL

    public init(host: String, port: Int, certificateChain: URL, privateKey: URL, trustedCA: URL) {
        self.host = host
        self.port = port
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.trustedCA = trustedCA
    }

    /// The server side of the handshake: these files, a client certificate from the trusted CA demanded.
    public func channelConfiguration(logger: Logger) throws -> TLSChannelConfiguration {
        try ClientCertificateCheck.channelConfiguration(
            certificateChain: certificateChain, privateKey: privateKey, trustedCA: trustedCA, logger: logger)
    }

    /// The HTTP/1.1 server over this listener's TLS, each connection reading its socket at most
    /// once per turn of its event loop (`ReadBoundedChannel`).
    public func serverBuilder(logger: Logger) throws -> HTTPServerBuilder {
        let configuration = try channelConfiguration(logger: logger)
        return HTTPServerBuilder { responder in
            ReadBoundedChannel(
                base: try TLSChannel(HTTP1Channel(responder: responder), configuration: configuration), maxMessagesPerRead: Self.readsPerTurn)
        }
    }

    /// Socket reads per connection per turn of the event loop (NIO's default is 4).
    static let readsPerTurn: UInt = 1
}
