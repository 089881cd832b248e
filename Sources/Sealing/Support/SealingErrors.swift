import KetenpoortCore

/// The stable error codes of the Sealing module.
extension KetenpoortError.Code {
    /// A JWS that is not a well-formed detached compact serialisation with the expected header.
    public static let sealingMalformed: Self = "sealing.jws-malformed"
    /// The signer's certificate does not chain to a trusted root at the validation time.
    public static let sealingUntrusted: Self = "sealing.certificate-untrusted"
    /// The ES256 signature does not match the header and payload.
    public static let sealingSignatureInvalid: Self = "sealing.signature-invalid"
    /// The payload's SHA-256 differs from the sealed `kp-sha256`.
    public static let sealingDigestMismatch: Self = "sealing.digest-mismatch"
    /// The signer's certificate carries another OIN than the sealed `kp-sender`.
    public static let sealingSenderMismatch: Self = "sealing.sender-mismatch"
    /// A Merkle inclusion proof that does not lead to the sealed root.
    public static let sealingProofInvalid: Self = "sealing.proof-invalid"
    /// A certificate or key file that cannot be read or parsed.
    public static let sealingPEMUnreadable: Self = "sealing.pem-unreadable"
    /// A signing key that does not belong to the certificate, or a certificate without an OIN.
    public static let sealingIdentityInvalid: Self = "sealing.identity-invalid"
    /// The development PKI could not be written.
    public static let sealingPKIUnwritable: Self = "sealing.pki-unwritable"
}
