import Crypto
import Foundation
import KetenpoortCore
import SwiftASN1
import X509

/// Reading and writing the PEM files certificates and keys live in.
public enum PEMFiles {
    /// Every certificate in a PEM file, in file order; throws `sealing.pem-unreadable`.
    public static func loadCertificates(_ url: URL) throws -> [Certificate] {
        let text = try read(url)
        do {
            let certificates = try PEMDocument.parseMultiple(pemString: text)
                .filter { $0.discriminator == Certificate.defaultPEMDiscriminator }
                .map { try Certificate(pemDocument: $0) }
            guard !certificates.isEmpty else { throw KetenpoortError(.sealingPEMUnreadable, "\(url.lastPathComponent) holds no certificate") }
            return certificates
        } catch let error as KetenpoortError {
            throw error
        } catch {
            throw KetenpoortError(.sealingPEMUnreadable, "\(url.lastPathComponent) is not a PEM certificate file")
        }
    }

    /// The P-256 private key in a PEM file (PKCS#8 `PRIVATE KEY` or SEC 1 `EC PRIVATE KEY`); throws `sealing.pem-unreadable`.
    public static func loadPrivateKey(_ url: URL) throws -> P256.Signing.PrivateKey {
        let text = try read(url)
        do {
            return try P256.Signing.PrivateKey(pemRepresentation: text)
        } catch {
            throw KetenpoortError(.sealingPEMUnreadable, "\(url.lastPathComponent) is not a PEM P-256 private key")
        }
    }

    /// The certificates as one PEM text, in the given order.
    public static func pem(_ certificates: [Certificate]) throws -> String {
        try certificates.map { try $0.serializeAsPEM().pemString + "\n" }.joined()
    }

    private static func read(_ url: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw KetenpoortError(.sealingPEMUnreadable, "cannot read \(url.path)")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
