import Foundation
import KetenpoortCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Writes files atomically with a given mode from the start: a key is never readable by others,
/// not even for an instant (a temporary file is created with the mode, synced, then renamed).
public enum SecureFile {
    /// Writes `data` to `url` whole or not at all, durable once this returns; a failure throws `code`.
    public static func write(_ data: Data, to url: URL, mode: mode_t, failing code: KetenpoortError.Code = .sealingPKIUnwritable) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        let descriptor = open(temporary.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw failure(url, errno, code) }
        var written = 0
        let status: Int32 = data.withUnsafeBytes { buffer in
            while written < buffer.count {
                let result = Foundation.write(descriptor, buffer.baseAddress! + written, buffer.count - written)
                if result < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                written += result
            }
            return fsync(descriptor) == 0 ? 0 : errno
        }
        close(descriptor)
        guard status == 0, rename(temporary.path, url.path) == 0 else {
            let reason = status != 0 ? status : errno
            unlink(temporary.path)
            throw failure(url, reason, code)
        }
    }

    /// Creates `url` (and missing parents) as a directory only its owner can enter, if it does not exist.
    static func makeDirectory(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw KetenpoortError(.sealingPKIUnwritable, "\(url.path) is not a directory") }
            return
        }
        do {
            try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw KetenpoortError(.sealingPKIUnwritable, "cannot create \(url.path)")
        }
    }

    private static func failure(_ url: URL, _ reason: Int32, _ code: KetenpoortError.Code = .sealingPKIUnwritable) -> KetenpoortError {
        KetenpoortError(code, "cannot write \(url.path): \(String(cString: strerror(reason)))")
    }
}
