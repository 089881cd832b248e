import Crypto
import Foundation
import KetenpoortCore
import SwiftASN1
import X509

/// Public-key pins as libcurl's `CURLOPT_PINNEDPUBLICKEY` takes them: `sha256//<base64 SHA-256 of the SubjectPublicKeyInfo DER>`.
public enum PublicKeyPin {
    /// The pin of the first certificate in a PEM file; throws `transport.configuration` when it cannot be read.
    public static func sha256(certificateFile: URL) throws -> String {
        let certificate: Certificate
        do {
            let text = try String(contentsOf: certificateFile, encoding: .utf8)
            guard let first = try PEMDocument.parseMultiple(pemString: text).first(where: { $0.discriminator == "CERTIFICATE" }) else {
                throw KetenpoortError(.transportConfiguration, "no certificate in \(certificateFile.path)")
            }
            certificate = try Certificate(pemDocument: first)
        } catch let error as KetenpoortError {
            throw error
        } catch {
            throw KetenpoortError(.transportConfiguration, "cannot read a PEM certificate from \(certificateFile.path)")
        }
        return try sha256(certificate: certificate)
    }

    /// The pin of `certificate`.
    public static func sha256(certificate: Certificate) throws -> String {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate.publicKey)
        return "sha256//" + Data(SHA256.hash(data: serializer.serializedBytes)).base64EncodedString()
    }
}
