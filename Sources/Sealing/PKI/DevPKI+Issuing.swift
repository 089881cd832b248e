import Crypto
import Foundation
import SwiftASN1
import X509

extension DevPKI {
    /// A self-signed P-256 CA: CA:true (critical), keyCertSign + cRLSign.
    static func makeCA(now: Date) throws -> (certificate: Certificate, key: P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let name = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .NameAttributes.countryName, printableString: "NL"),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.organizationName, utf8String: caOrganisation),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.commonName, utf8String: caCommonName),
        ])
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
            Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            SubjectKeyIdentifier(hash: publicKey)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now - backdating,
            notValidAfter: now + caLifetime, issuer: name, subject: name, signatureAlgorithm: .ecdsaWithSHA256, extensions: extensions,
            issuerPrivateKey: Certificate.PrivateKey(key))
        return (certificate, key)
    }

    /// A P-256 key and a certificate for `party` from `ca`: C=NL, O=organisation, serialNumber=OIN,
    /// CN=id; CA:false, digitalSignature, serverAuth + clientAuth, SAN `localhost`, `<id>.localhost`
    /// and 127.0.0.1 — unless `variant` asks for a certificate the gateway must refuse.
    static func issue(
        for party: Identity, ca: (certificate: Certificate, key: P256.Signing.PrivateKey), now: Date, variant: Variant? = nil
    ) throws -> (Certificate, P256.Signing.PrivateKey) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        var commonName = party.id
        var hasSubjectAlternativeName = true
        if case .withoutSubjectAlternativeName(let name)? = variant { (commonName, hasSubjectAlternativeName) = (name, false) }
        let subject = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .NameAttributes.countryName, printableString: "NL"),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.organizationName, utf8String: party.organisation),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.serialNumber, printableString: party.oin.value),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.commonName, utf8String: commonName),
        ])
        let authorityKeyID = try ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            if variant == .certificateAuthority {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(digitalSignature: true, keyCertSign: true))
            } else if variant == .withoutDigitalSignature {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(keyAgreement: true))
            } else {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
            }
            try ExtendedKeyUsage(variant == .serverAuthOnly ? [.serverAuth] : [.serverAuth, .clientAuth])
            if hasSubjectAlternativeName {
                SubjectAlternativeNames([
                    .dnsName("localhost"), .dnsName(hostName(for: party.id)), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                ])
            }
            SubjectKeyIdentifier(hash: publicKey)
            if let authorityKeyID { AuthorityKeyIdentifier(keyIdentifier: authorityKeyID) }
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey, notValidBefore: now - backdating,
            notValidAfter: now + identityLifetime, issuer: ca.certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: Certificate.PrivateKey(ca.key))
        return (certificate, key)
    }
}
