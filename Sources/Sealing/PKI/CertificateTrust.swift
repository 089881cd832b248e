import Foundation
import KetenpoortCore
// The validation time is an argument (a batch is verified at a chosen instant), hence the fixed-time policy.
@_spi(FixedExpiryValidationTime) import X509

/// Validates a certificate chain against explicitly given roots only (never the system's).
public enum CertificateTrust {
    /// The validated chain, leaf first; throws `sealing.certificate-untrusted` when `leaf` does not
    /// chain through `intermediates` to one of `roots` under RFC 5280 at `time`.
    public static func validate(
        leaf: Certificate, intermediates: [Certificate] = [], roots: [Certificate], at time: Date
    ) async throws -> [Certificate] {
        guard !roots.isEmpty else { throw KetenpoortError(.sealingUntrusted, "no trusted CA certificate given") }
        var verifier = Verifier(rootCertificates: CertificateStore(roots)) { RFC5280Policy(fixedExpiryValidationTime: time) }
        switch await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates)) {
        case .validCertificate(let chain):
            return Array(chain)
        case .couldNotValidate:
            // The verifier's own reasons print whole certificates; a short one is enough here.
            let format = ISO8601DateFormatter()
            if time < leaf.notValidBefore || time > leaf.notValidAfter {
                throw KetenpoortError(
                    .sealingUntrusted,
                    "the certificate is not valid at \(format.string(from: time)) (valid \(format.string(from: leaf.notValidBefore)) to \(format.string(from: leaf.notValidAfter)))"
                )
            }
            throw KetenpoortError(.sealingUntrusted, "the certificate does not chain to a trusted CA at \(format.string(from: time))")
        }
    }
}
