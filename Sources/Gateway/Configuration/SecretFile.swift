import Foundation
import KetenpoortCore

/// A secret named by path in the configuration (a delivery key, the pseudonym key): the file's
/// bytes, one trailing line break dropped. It must be readable by its owner only and hold at least
/// 16 bytes; errors name the configuration key and the file, never the secret.
package enum SecretFile {
    package static func read(_ url: URL, key: String) throws -> Data {
        let path = url.path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), var data = FileManager.default.contents(atPath: path) else {
            throw KetenpoortError(
                .configurationInvalid, "\(key) \(path) cannot be read: put the file there (mode 0600, the gateway's user) or correct \(key)")
        }
        if let mode = attributes[.posixPermissions] as? Int, mode & 0o077 != 0 {
            throw KetenpoortError(.configurationInvalid, "\(key) \(path) is readable by others (mode \(String(mode, radix: 8))); chmod 600 it")
        }
        if data.last == 10 { data.removeLast() }
        if data.last == 13 { data.removeLast() }
        guard data.count >= 16 else { throw KetenpoortError(.configurationInvalid, "\(key) \(path) holds fewer than 16 bytes") }
        return data
    }
}
