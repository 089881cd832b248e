import Crypto
import Foundation
import X509

extension DevPKI {
    /// Certificates the dev PKI never issues on its own: for tests that show the gateway refuses them.
    public enum Variant: Sendable, Hashable {
        /// Extended key usage `serverAuth` only: not a client certificate (RFC 5280 §4.2.1.12).
        case serverAuthOnly
        /// CA:TRUE (with digitalSignature and both key purposes): a CA, not an end entity.
        case certificateAuthority
        /// Key usage `keyAgreement` only.
        case withoutDigitalSignature
        /// No subjectAltName at all, the given common name instead of the id (e.g. `127.0.0.1`).
        case withoutSubjectAlternativeName(commonName: String)
    }

    /// `<id>.localhost`: the host name under which a dev receiver presents `id`'s certificate (SNI);
    /// libcurl resolves every `*.localhost` name to loopback itself (RFC 6761).
    public static func hostName(for id: String) -> String { "\(id).localhost" }

    /// Issues `party` a certificate of `variant` from the CA in `directory` (made by `initialize`),
    /// written as `<fileID>.pem` (certificate, then the CA) and `<fileID>-key.pem`.
    public static func issue(_ variant: Variant, for party: Identity, as fileID: String, in directory: URL, now: Date = Date()) throws {
        let ca = try SigningIdentity(certificateFile: caCertificateFile(in: directory), keyFile: caPrivateKeyFile(in: directory))
        let (certificate, key) = try issue(for: party, ca: (ca.certificate, ca.privateKey), now: now, variant: variant)
        try SecureFile.write(Data(key.pemRepresentation.utf8), to: privateKeyFile(for: fileID, in: directory), mode: 0o600)
        try SecureFile.write(
            Data(try PEMFiles.pem([certificate, ca.certificate]).utf8), to: certificateFile(for: fileID, in: directory), mode: 0o644)
    }
}
