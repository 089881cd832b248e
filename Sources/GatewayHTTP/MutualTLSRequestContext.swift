import Hummingbird
import KetenpoortCore
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL
import Sealing
import X509

/// The request context of inbound endpoints: Hummingbird's core storage plus the connection, whose
/// TLS handler knows the client's certificate.
public struct MutualTLSRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The OIN in the client certificate's subject `serialNumber`, when it carries one. Read once
    /// per connection: keep-alive requests reuse it.
    public func peerOIN() async -> OIN? {
        if let known = PeerIdentities.shared.oin(of: channel) { return known }
        let channel = self.channel
        let certificate = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self).peerCertificate
        }.get()
        guard let der = try? certificate?.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        let oin = parsed.oin
        PeerIdentities.shared.remember(oin, for: channel)
        return oin
    }
}

/// The client OIN of each open connection; an entry goes when its connection closes.
final class PeerIdentities: Sendable {
    static let shared = PeerIdentities()
    private let known = NIOLockedValueBox<[ObjectIdentifier: OIN?]>([:])

    func oin(of channel: any Channel) -> OIN?? {
        known.withLockedValue { $0[ObjectIdentifier(channel)] }
    }

    func remember(_ oin: OIN?, for channel: any Channel) {
        let key = ObjectIdentifier(channel)
        let isNew = known.withLockedValue { table in
            defer { table[key] = oin }
            return table[key] == nil
        }
        if isNew { channel.closeFuture.whenComplete { [self] _ in known.withLockedValue { _ = $0.removeValue(forKey: key) } } }
    }
}
