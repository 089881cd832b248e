import CPeerCheck
import Foundation
import KetenpoortCore

/// What the recipient's certificate must show, checked inside libcurl's TLS handshake by an OpenSSL
/// verify callback (see `CPeerCheck`): a SAN naming the host, never the CN (RFC 9525), and the
/// recipient's OIN in the subject `serialNumber` when one is expected. A refusal ends the handshake,
/// so not one byte of the request leaves.
///
/// Owned by one `CurlEasyHandle`: it must outlive every connection that handle keeps.
final class PeerExpectation {
    /// How the last handshake's check ended.
    enum Outcome: Equatable {
        case unchecked, accepted, nameMismatch
        /// The certificate is valid for the host, but carries `presented` (possibly empty) as its OIN.
        case oinMismatch(presented: String)
    }

    let oin: OIN?
    private let pointer: OpaquePointer

    init(oin: OIN?) {
        guard let pointer = oin.map({ kp_peer_expectation_create($0.value) }) ?? kp_peer_expectation_create(nil) else {
            fatalError("kp_peer_expectation_create failed: out of memory")
        }
        self.oin = oin
        self.pointer = pointer
    }

    deinit { kp_peer_expectation_free(pointer) }

    /// Installs the check on `handle` for a transfer to `host`, whose connections trust and present
    /// `identity` (it must outlive the transfer); after `curl_easy_reset`, before each transfer.
    func install(on handle: UnsafeMutableRawPointer, host: String, identity: ClientTLSIdentity) -> KetenpoortError? {
        guard kp_peer_expectation_prepare(pointer, host) == 1 else {
            return KetenpoortError(.transportConfiguration, "the host name of the delivery URL is too long")
        }
        kp_peer_expectation_use_identity(pointer, identity.pointer)
        let code = kp_peer_expectation_install(handle, pointer)
        return code == 0 ? nil : KetenpoortError(.transportConfiguration, "libcurl refused the TLS peer check (curl \(code))")
    }

    /// The outcome of the last handshake of this handle (unchecked when a kept connection was reused).
    var outcome: Outcome {
        switch kp_peer_expectation_outcome(pointer) {
        case KP_PEER_ACCEPTED: .accepted
        case KP_PEER_NAME_MISMATCH: .nameMismatch
        case KP_PEER_OIN_MISMATCH: .oinMismatch(presented: String(cString: kp_peer_expectation_presented_oin(pointer)))
        default: .unchecked
        }
    }

    /// When the certificate of the last peer this handle accepted expires (kept across reused connections).
    var certificateNotAfter: Date? {
        let seconds = kp_peer_expectation_not_after(pointer)
        return seconds == 0 ? nil : Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The error for a failed transfer when this check refused the peer, nil otherwise.
    func refusal(host: String) -> KetenpoortError? {
        switch outcome {
        case .nameMismatch:
            return KetenpoortError(.transportTLS, "the certificate of \(host) has no subjectAltName for \(host) (the CN is not consulted)")
        case .oinMismatch(let presented):
            let shown = presented.isEmpty ? "no OIN (or no serialNumber of that form)" : "OIN \(presented)"
            return KetenpoortError(
                .transportRecipientOIN,
                "\(host) answered with a certificate of \(shown), not of the recipient (OIN \(oin?.value ?? "?")); nothing was sent")
        case .accepted, .unchecked:
            return nil
        }
    }
}
