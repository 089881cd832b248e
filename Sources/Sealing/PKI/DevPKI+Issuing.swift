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
    /// CN=id; CA:false, digitalSignature, serverAuth + clientAuth, SAN localhost and 127.0.0.1.
    static func issue(for party: Identity, ca: (certificate: Certificate, key: P256.Signing.PrivateKey), now: Date) throws -> (
        Certificate, P256.Signing.PrivateKey
    ) {
        let key = P256.Signing.PrivateKey()
        let publicKey = Certificate.PublicKey(key.publicKey)
        let subject = try DistinguishedName([
            RelativeDistinguishedName.Attribute(type: .NameAttributes.countryName, printableString: "NL"),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.organizationName, utf8String: party.organisation),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.serialNumber, printableString: party.oin.value),
            RelativeDistinguishedName.Attribute(type: .NameAttributes.commonName, utf8String: party.id),
        ])
        let authorityKeyID = try ca.certificate.extensions.subjectKeyIdentifier?.keyIdentifier
        let extensions = try Certificate.Extensions {
            Critical(BasicConstraints.notCertificateAuthority)
            Critical(KeyUsage(digitalSignature: true))
            try ExtendedKeyUsage([.serverAuth, .clientAuth])
            SubjectAlternativeNames([.dnsName("localhost"), .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1]))])
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
