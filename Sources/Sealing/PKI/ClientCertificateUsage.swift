import X509

/// What makes a certificate a TLS client certificate (RFC 5280 §4.2.1.3, §4.2.1.9, §4.2.1.12): not a
/// CA, `digitalSignature` in its key usage, and `clientAuth` in its extended key usage when it has
/// one (PKIoverheid certificates do).
public enum ClientCertificateUsage {
    /// Why `certificate` may not authenticate a client, nil when it may.
    public static func refusal(_ certificate: Certificate) -> String? {
        do {
            if case .isCertificateAuthority? = try certificate.extensions.basicConstraints {
                return "a CA certificate (CA:TRUE) is not a client certificate"
            }
            guard let usage = try certificate.extensions.keyUsage, usage.digitalSignature else {
                return "the key usage lacks digitalSignature"
            }
            if let extended = try certificate.extensions.extendedKeyUsage, !extended.contains(.clientAuth) {
                return "the extended key usage lacks clientAuth"
            }
            return nil
        } catch {
            return "the certificate's usage extensions cannot be read"
        }
    }
}
