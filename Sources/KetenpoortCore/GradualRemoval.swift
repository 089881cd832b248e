import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Removes a large file in steps: shortened `step` bytes at a time from its end, then unlinked. On
/// a file system mounted with `discard`, freeing a file's blocks sends the disk one discard for
/// all of them — 190 ms for 600 MB on this machine — and every fsync meanwhile (an IND answer's
/// processing-log commit) waits behind it; in 16 MiB steps an fsync waits for one step at most.
public enum GradualRemoval {
    /// Removes the file at `path` (nothing when there is none); returns whether it was there.
    @discardableResult
    public static func remove(_ path: String, step: Int = 16 << 20) -> Bool {
        precondition(step > 0)
        var status = stat()
        guard stat(path, &status) == 0 else { return false }
        var size = Int(status.st_size)
        while size > step {
            size -= step
            guard truncate(path, off_t(size)) == 0 else { break }
        }
        return unlink(path) == 0
    }
}
