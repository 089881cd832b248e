import Foundation
import KetenpoortCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An exclusive lock on a file (`flock`), held until `release()` or until the process ends — also
/// when it is killed, so a crash never leaves the lock behind. One nightly sync at a time per
/// store, across the gateway's own services and a `ketenpoort sync` on the command line.
final class FileLock {
    private var descriptor: Int32

    /// Waits until the lock at `url` is free, then holds it.
    init(url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        descriptor = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw KetenpoortError(.storeUnavailable, "cannot open the lock file \(url.lastPathComponent)") }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                close(descriptor)
                throw KetenpoortError(.storeUnavailable, "cannot lock \(url.lastPathComponent)")
            }
        }
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)
        descriptor = -1
    }

    deinit { release() }
}
