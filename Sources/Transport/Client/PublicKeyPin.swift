import Crypto
import Foundation
import KetenpoortCore
import NIOSSL

/// Public-key pins as libcurl's `CURLOPT_PINNEDPUBLICKEY` takes them: `sha256//<base64 SHA-256 of the SubjectPublicKeyInfo DER>`.
public enum PublicKeyPin {
    /// The pin of the first certificate in a PEM file; throws `transport.configuration` when it cannot be read.
    public static func sha256(certificateFile: URL) throws -> String {
        do {
            guard let certificate = try NIOSSLCertificate.fromPEMFile(certificateFile.path).first else {
                throw KetenpoortError(.transportConfiguration, "no certificate in \(certificateFile.path)")
            }
            return try sha256(certificate: certificate)
        } catch let error as KetenpoortError {
            throw error
        } catch {
            throw KetenpoortError(.transportConfiguration, "cannot read a PEM certificate from \(certificateFile.path)")
        }
    }

    /// The pin of `certificate`.
    public static func sha256(certificate: NIOSSLCertificate) throws -> String {
        let spki = try certificate.extractPublicKey().toSPKIBytes()
        return "sha256//" + Data(SHA256.hash(data: spki)).base64EncodedString()
    }
}
