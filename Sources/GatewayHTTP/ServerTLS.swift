import Foundation
import KetenpoortCore
import NIOSSL

/// The TLS settings of every inbound endpoint: mutual TLS against one CA, TLS ≥ 1.2, forward-secret suites.
public enum ServerTLS {
    /// The TLS 1.2 suites offered: ECDHE key exchange with AEAD only (TLS 1.3 suites are all forward secret).
    public static let forwardSecretSuites: [NIOTLSCipher] = ForwardSecretSuites.all.map { NIOTLSCipher(rawValue: $0.iana) }

    /// A server configuration that presents `certificateChain` (PEM, leaf first) with `privateKey` (PEM)
    /// and demands a client certificate chaining to `trustedCA` (PEM) — never to the system roots.
    /// Throws `transport.server-unavailable` naming the file that cannot be used.
    public static func configuration(certificateChain: URL, privateKey: URL, trustedCA: URL) throws -> TLSConfiguration {
        let chain = try load("server certificate", certificateChain) { try NIOSSLCertificate.fromPEMFile($0.path) }
        let key = try load("server key", privateKey) { try NIOSSLPrivateKey(file: $0.path, format: .pem) }
        let roots = try load("trusted CA", trustedCA) { try NIOSSLCertificate.fromPEMFile($0.path) }
        guard !chain.isEmpty, !roots.isEmpty else {
            throw KetenpoortError(.transportServerUnavailable, "the server certificate and the trusted CA files must hold a PEM certificate")
        }
        var configuration = TLSConfiguration.makeServerConfigurationWithMTLS(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key), trustRoots: .certificates(roots))
        // Clients are identified by their certificate's OIN, not by a host name.
        configuration.certificateVerification = .noHostnameVerification
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuiteValues = forwardSecretSuites
        configuration.renegotiationSupport = .none
        // How long a closing connection waits for the client's close_notify: an idle keep-alive client
        // (libcurl's connection cache) never sends one, and NIOSSL's 5 s default would hold up every graceful shutdown.
        configuration.shutdownTimeout = .milliseconds(500)
        return configuration
    }

    private static func load<T>(_ what: String, _ url: URL, _ body: (URL) throws -> T) throws -> T {
        do {
            return try body(url)
        } catch {
            throw KetenpoortError(.transportServerUnavailable, "cannot read the \(what) from \(url.path)")
        }
    }
}
