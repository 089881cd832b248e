import Foundation
import HummingbirdTLS
import KetenpoortCore
import Logging
import NIOSSL
import Sealing
import X509

/// TLS for the gateway's own API: the server asks every client for a certificate and checks a
/// presented chain against the configured CA only (RFC 5280, now) and that it is made for a client
/// (`ClientCertificateUsage`: no CA, digitalSignature, clientAuth), logging each refusal with its
/// reason and the claimed OIN — never more. A client that presents none gets through TLS and is
/// refused, and logged, by the API itself: every refusal then has a log line.
public enum ClientCertificateCheck {
    public static func channelConfiguration(
        certificateChain: URL, privateKey: URL, trustedCA: URL, logger: Logger
    ) throws -> TLSChannelConfiguration {
        var tls = try ServerTLS.configuration(certificateChain: certificateChain, privateKey: privateKey, trustedCA: trustedCA)
        tls.certificateVerification = .optionalVerification
        let roots: [Certificate]
        do {
            roots = try PEMFiles.loadCertificates(trustedCA)
        } catch {
            throw KetenpoortError(.transportServerUnavailable, "cannot read the trusted CA from \(trustedCA.path)")
        }
        return TLSChannelConfiguration(tlsConfiguration: tls) { presented in
            await verify(presented, roots: roots, logger: logger)
        }
    }

    static func verify(_ presented: [NIOSSLCertificate], roots: [Certificate], logger: Logger) async -> NIOSSLVerificationResult {
        let chain = presented.compactMap { try? Certificate(derEncoded: $0.toDERBytes()) }
        guard let leaf = chain.first, chain.count == presented.count else {
            logger.notice("client certificate refused", metadata: ["tls.reason": "the certificate cannot be parsed"])
            return .failed
        }
        do {
            _ = try await CertificateTrust.validate(leaf: leaf, intermediates: Array(chain.dropFirst()), roots: roots, at: Date())
            if let refusal = ClientCertificateUsage.refusal(leaf) { throw KetenpoortError(.sealingUntrusted, refusal) }
            return .certificateVerified
        } catch {
            let reason = (error as? KetenpoortError)?.reason ?? "the certificate does not verify"
            logger.notice("client certificate refused", metadata: ["tls.reason": "\(reason)", "tls.claimed-oin": "\(leaf.oin?.value ?? "none")"])
            return .failed
        }
    }
}
