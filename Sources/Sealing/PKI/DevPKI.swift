import Crypto
import Foundation
import KetenpoortCore
import X509

/// A development PKI in one folder: a P-256 CA and, per party, a key and a certificate whose
/// subject carries the OIN in `serialNumber` and the organisation in `O` (as PKIoverheid does).
///
/// Files: `ca.pem`, `ca-key.pem`, and per identity `<id>.pem` (certificate, then the CA) and
/// `<id>-key.pem` (PKCS#8, mode 0600). The same certificates serve sealing, mTLS clients and TLS
/// servers on loopback (SAN `localhost`, `<id>.localhost`, `127.0.0.1`). Never for production.
///
/// ```swift
/// let report = try DevPKI.initialize(directory: URL(fileURLWithPath: "var/pki"), parties: DevParties.identities, now: .now)
/// ```
public enum DevPKI {
    /// The CA's common name.
    public static let caCommonName = "ketenpoort dev CA"
    /// The CA's organisation.
    public static let caOrganisation = "ketenpoort dev"
    /// Certificates are valid from one day before `now`, to tolerate clock skew…
    static let backdating: TimeInterval = 86_400
    /// …to two years after it (the CA ten, so that it outlives what it issues).
    static let identityLifetime: TimeInterval = 2 * 365 * 86_400
    static let caLifetime: TimeInterval = 10 * 365 * 86_400

    /// What `initialize` did, file by file.
    public struct Report: Sendable, Equatable {
        /// Files written by this run.
        public var created: [URL] = []
        /// Files that were there and still fit, left as they were.
        public var kept: [URL] = []
    }

    /// Creates what is missing in `directory`: the CA, then a key and certificate per identity.
    ///
    /// Existing files are kept unless `force`, or unless they no longer fit: an expired or
    /// unreadable certificate, one not issued by the current CA, one with another OIN or name than
    /// the identity, or one made before a client certificate needed its usages and a receiver its
    /// `<id>.localhost` name, is re-issued (a new CA re-issues every identity).
    @discardableResult
    public static func initialize(directory: URL, parties: [Identity], now: Date = Date(), force: Bool = false) throws -> Report {
        var seen = Set<String>()
        for party in parties where !seen.insert(party.id).inserted {
            throw KetenpoortError(.sealingIdentityInvalid, "identity id '\(party.id)' appears twice")
        }
        try SecureFile.makeDirectory(directory)
        var report = Report()
        let caFile = caCertificateFile(in: directory), caKeyFile = caPrivateKeyFile(in: directory)

        let ca: (certificate: Certificate, key: P256.Signing.PrivateKey)
        if !force, let existing = try? SigningIdentity(certificateFile: caFile, keyFile: caKeyFile),
            existing.certificate.notValidAfter > now, existing.certificate.subjectAttribute(.NameAttributes.commonName) == caCommonName
        {
            ca = (existing.certificate, existing.privateKey)
            report.kept += [caFile, caKeyFile]
        } else {
            ca = try makeCA(now: now)
            try SecureFile.write(Data(ca.key.pemRepresentation.utf8), to: caKeyFile, mode: 0o600)
            try SecureFile.write(Data(try PEMFiles.pem([ca.certificate]).utf8), to: caFile, mode: 0o644)
            report.created += [caFile, caKeyFile]
        }
        let caIsNew = report.created.contains(caFile)

        for party in parties {
            let certificateFile = certificateFile(for: party.id, in: directory), keyFile = privateKeyFile(for: party.id, in: directory)
            if !force, !caIsNew, let existing = try? SigningIdentity(certificateFile: certificateFile, keyFile: keyFile),
                fits(existing.certificate, party: party, ca: ca.certificate, now: now)
            {
                report.kept += [certificateFile, keyFile]
                continue
            }
            let (certificate, key) = try issue(for: party, ca: ca, now: now)
            try SecureFile.write(Data(key.pemRepresentation.utf8), to: keyFile, mode: 0o600)
            try SecureFile.write(Data(try PEMFiles.pem([certificate, ca.certificate]).utf8), to: certificateFile, mode: 0o644)
            report.created += [certificateFile, keyFile]
        }
        // The gateway's pseudonym secret: kept as long as it exists (a new one would make every
        // pseudonym on record unfindable), whatever happens to the certificates.
        let secret = pseudonymKeyFile(in: directory)
        if FileManager.default.fileExists(atPath: secret.path) {
            report.kept.append(secret)
        } else {
            var generator = SystemRandomNumberGenerator()
            try SecureFile.write(Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }), to: secret, mode: 0o600)
            report.created.append(secret)
        }
        return report
    }

    /// `<dir>/pseudonym.key`: 32 random bytes, the key of the gateway's keyed pseudonyms.
    public static func pseudonymKeyFile(in directory: URL) -> URL { directory.appendingPathComponent("pseudonym.key") }

    /// `<dir>/ca.pem`.
    public static func caCertificateFile(in directory: URL) -> URL { directory.appendingPathComponent("ca.pem") }
    /// `<dir>/ca-key.pem`.
    public static func caPrivateKeyFile(in directory: URL) -> URL { directory.appendingPathComponent("ca-key.pem") }
    /// `<dir>/<id>.pem`: the identity's certificate, then the CA's.
    public static func certificateFile(for id: String, in directory: URL) -> URL { directory.appendingPathComponent("\(id).pem") }
    /// `<dir>/<id>-key.pem`.
    public static func privateKeyFile(for id: String, in directory: URL) -> URL { directory.appendingPathComponent("\(id)-key.pem") }

    /// The signing identity `initialize` made for `id`.
    public static func signingIdentity(_ id: String, in directory: URL) throws -> SigningIdentity {
        try SigningIdentity(certificateFile: certificateFile(for: id, in: directory), keyFile: privateKeyFile(for: id, in: directory))
    }

    /// Whether a kept certificate still serves `party`.
    private static func fits(_ certificate: Certificate, party: Identity, ca: Certificate, now: Date) -> Bool {
        certificate.notValidAfter > now && certificate.issuer == ca.subject && ca.publicKey.isValidSignature(certificate.signature, for: certificate)
            && certificate.oin == party.oin && certificate.subjectAttribute(.NameAttributes.organizationName) == party.organisation
            && certificate.subjectAttribute(.NameAttributes.commonName) == party.id && ClientCertificateUsage.refusal(certificate) == nil
            && (try? certificate.extensions.subjectAlternativeNames)??.contains(.dnsName(hostName(for: party.id))) == true
    }
}
