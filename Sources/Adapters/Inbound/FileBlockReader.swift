import Foundation
import KetenpoortCore

/// Reads a file from start to end in large blocks, into one buffer allocated once: a `read` call
/// per block and no allocation per block, so reading costs little more than the bytes themselves.
struct FileBlockReader {
    /// Every block but the last is exactly this long.
    let blockSize: Int

    static let defaultBlockSize = 1 << 20

    init(blockSize: Int = Self.defaultBlockSize) {
        precondition(blockSize > 0, "a block holds at least one byte")
        self.blockSize = blockSize
    }

    /// Calls `body` with each block of `url`, in order; the bytes are valid only during the call.
    func forEachBlock(of url: URL, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let file = open(url.path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw Self.unreadable(url) }
        defer { close(file) }
        #if os(Linux)
            _ = posix_fadvise(file, 0, 0, POSIX_FADV_SEQUENTIAL)
        #endif
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: blockSize)
        defer { buffer.deallocate() }
        while true {
            var filled = 0
            while filled < blockSize {
                let count = read(file, buffer.baseAddress! + filled, blockSize - filled)
                if count > 0 {
                    filled += count
                } else if count == 0 {
                    break
                } else if errno != EINTR {
                    throw Self.unreadable(url)
                }
            }
            if filled > 0 { try body(UnsafeBufferPointer(rebasing: buffer[0..<filled])) }
            if filled < blockSize { return }
        }
    }

    /// The error for a file that cannot be opened or read (its name only, never its contents).
    static func unreadable(_ url: URL) -> KetenpoortError {
        KetenpoortError(.inputUnreadable, "\(url.lastPathComponent): cannot be read")
    }
}
