import Foundation
import NIOConcurrencyHelpers
import NIOSSL
import Sealing

/// The certificate a dev receiver presents to a client that names `<id>.localhost` (SNI): `id`'s
/// own from a dev PKI folder, so one receiver can stand in for every party and the gateway still
/// sees each party's OIN. Any other name, or none, leaves the configured certificate. Every party's
/// files are read at the start, as a party's server loads its key before it listens (a party added
/// later, at its first handshake): a night's first handshakes do not each read two files.
final class PartyCertificates: Sendable {
    private let directory: URL
    private let loaded = NIOLockedValueBox<[String: NIOSSLContextConfigurationOverride]>([:])

    init(directory: URL) {
        self.directory = directory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in names where name.hasSuffix(".pem") && !name.hasSuffix("-key.pem") {
            _ = override(serverName: name.dropLast(".pem".count) + Self.suffix)
        }
    }

    private static let suffix = ".localhost"

    /// For `TLSConfiguration.sslContextCallback`.
    var callback: NIOSSLContextCallback {
        { [self] values, promise in promise.succeed(override(serverName: values.serverHostname)) }
    }

    /// The certificate and key for the name the client asked for; `.noChanges` when there are none.
    func override(serverName: String?) -> NIOSSLContextConfigurationOverride {
        guard let name = serverName?.lowercased(), name.hasSuffix(Self.suffix) else { return .noChanges }
        let id = String(name.dropLast(Self.suffix.count))
        // Only a plain identifier becomes a file name.
        guard (1...64).contains(id.utf8.count), id != "ca", id.utf8.allSatisfy({ Self.isIdentifierByte($0) }) else { return .noChanges }
        if let known = loaded.withLockedValue({ $0[id] }) { return known }
        guard let chain = try? NIOSSLCertificate.fromPEMFile(DevPKI.certificateFile(for: id, in: directory).path), !chain.isEmpty,
            let key = try? NIOSSLPrivateKey(file: DevPKI.privateKeyFile(for: id, in: directory).path, format: .pem)
        else { return .noChanges }
        var override = NIOSSLContextConfigurationOverride()
        override.certificateChain = chain.map { .certificate($0) }
        override.privateKey = .privateKey(key)
        loaded.withLockedValue { $0[id] = override }
        return override
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
