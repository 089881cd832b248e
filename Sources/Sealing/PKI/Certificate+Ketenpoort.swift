import Crypto
import Foundation
import KetenpoortCore
import SwiftASN1
import X509

extension Certificate {
    /// The OIN in the subject's `serialNumber` attribute (2.5.4.5, as in PKIoverheid certificates);
    /// nil when absent or not twenty digits.
    public var oin: OIN? {
        for rdn in subject {
            for attribute in rdn where attribute.type == .NameAttributes.serialNumber {
                if let text = String(attribute.value), let oin = OIN(text) { return oin }
            }
        }
        return nil
    }

    /// The subject's first attribute of `type` as text (e.g. `.NameAttributes.organizationName`).
    public func subjectAttribute(_ type: ASN1ObjectIdentifier) -> String? {
        for rdn in subject {
            for attribute in rdn where attribute.type == type { return String(attribute.value) }
        }
        return nil
    }

    /// The certificate's DER encoding.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }

    /// The public-key pin `sha256//<base64 SHA-256 of the SubjectPublicKeyInfo DER>`, as libcurl takes it.
    public func publicKeyPin() throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(publicKey)
        return "sha256//" + Data(SHA256.hash(data: serializer.serializedBytes)).base64EncodedString()
    }
}
