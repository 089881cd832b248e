import Foundation
import KetenpoortCore

/// Mutual-TLS settings of one outbound destination: who we are, whom we trust, what we pin.
public struct TLSClientSettings: Sendable, Hashable {
    /// Our certificate chain (PEM, leaf first).
    public var clientCertificate: URL
    /// The private key of our certificate (PEM).
    public var clientKey: URL
    /// The only CA certificates the peer may chain to (PEM bundle); the system roots are never used.
    public var trustedCA: URL
    /// The peer's public key pin as `sha256//<base64>` (several separated by `;`), or nil for none.
    public var pinnedPublicKey: String?
    /// The OIN the peer's certificate must carry in its subject `serialNumber` (the recipient's),
    /// checked during the handshake; nil for a peer of any OIN (the SAN must still name the host).
    public var expectedPeerOIN: OIN?

    /// Creates settings.
    public init(clientCertificate: URL, clientKey: URL, trustedCA: URL, pinnedPublicKey: String? = nil, expectedPeerOIN: OIN? = nil) {
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
        self.trustedCA = trustedCA
        self.pinnedPublicKey = pinnedPublicKey
        self.expectedPeerOIN = expectedPeerOIN
    }
}
