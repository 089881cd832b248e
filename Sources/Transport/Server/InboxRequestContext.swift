import Hummingbird
import KetenpoortCore
import NIOCore
import NIOSSL
import Sealing
import X509

/// The request context of inbound endpoints: Hummingbird's core storage plus the connection, whose
/// TLS handler knows the client's certificate.
struct InboxRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let channel: any Channel

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// The OIN in the client certificate's subject `serialNumber`, when it carries one.
    func peerOIN() async -> OIN? {
        let channel = self.channel
        let certificate = try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.handler(type: NIOSSLHandler.self).peerCertificate
        }.get()
        guard let der = try? certificate?.toDERBytes(), let parsed = try? Certificate(derEncoded: der) else { return nil }
        return parsed.oin
    }
}
