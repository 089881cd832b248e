import CPeerCheck
import Foundation
import KetenpoortCore

/// The trust store, certificate chain and key of one set of `TLSClientSettings`, parsed once and
/// handed to each new connection's TLS context (see `CPeerCheck`), instead of libcurl reading and
/// decoding the PEM files for every connection. Kept per file set and reloaded when a file changes
/// (a renewed certificate is used from the next connection on, as before).
final class ClientTLSIdentity: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) { self.pointer = pointer }

    deinit { kp_tls_identity_free(pointer) }

    /// The files an identity is read from, with what they were when read.
    private struct Key: Hashable {
        let trustedCA: String
        let certificate: String?
        let key: String?
        let versions: [FileVersion]
    }

    private struct FileVersion: Hashable {
        let modifiedSeconds: Int
        let modifiedNanoseconds: Int
        let size: Int64
        let inode: UInt64

        init?(path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return nil }
            modifiedSeconds = info.st_mtim.tv_sec
            modifiedNanoseconds = info.st_mtim.tv_nsec
            size = Int64(info.st_size)
            inode = UInt64(info.st_ino)
        }
    }

    private static let loaded = LockedValue<[Key: ClientTLSIdentity]>([:])

    /// The identity of `settings` (our certificate left out when `withoutCertificate`), read when
    /// first asked for or when one of its files changed since.
    static func of(_ settings: TLSClientSettings, withoutCertificate: Bool = false) throws -> ClientTLSIdentity {
        let paths = [settings.trustedCA.path] + (withoutCertificate ? [] : [settings.clientCertificate.path, settings.clientKey.path])
        let key = Key(
            trustedCA: paths[0], certificate: withoutCertificate ? nil : paths[1], key: withoutCertificate ? nil : paths[2],
            versions: paths.compactMap(FileVersion.init(path:)))
        if let identity = loaded.withLock({ $0[key] }) { return identity }
        let identity = try load(key)
        loaded.withLock { cache in
            // A file set read again after a change replaces its older entries.
            cache = cache.filter { $0.key.trustedCA != key.trustedCA || $0.key.certificate != key.certificate || $0.key.key != key.key }
            cache[key] = identity
        }
        return identity
    }

    private static func load(_ key: Key) throws -> ClientTLSIdentity {
        var error = [CChar](repeating: 0, count: 512)
        guard let pointer = kp_tls_identity_load(key.trustedCA, key.certificate, key.key, &error, error.count) else {
            throw KetenpoortError(.transportConfiguration, String(decoding: error.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return ClientTLSIdentity(pointer: pointer)
    }
}
