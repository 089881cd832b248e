import Adapters
import Foundation
import KetenpoortCore

/// A new file written front to back with plain system calls: each write goes out whole in as few
/// calls as the kernel allows, with no copy or allocation on the way. Errors name the directory,
/// never what was written.
final class OutputFile {
    let url: URL
    private var descriptor: Int32

    /// Creates `url`, or empties it when it exists.
    init(creating url: URL) throws {
        self.url = url
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else { throw Self.unwritable(url) }
    }

    deinit {
        if descriptor >= 0 { _ = systemClose(descriptor) }
    }

    func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    func write(_ buffer: OutputBuffer) throws {
        try buffer.withUnsafeBytes { try write($0) }
    }

    /// Writes `bytes` at `offset`, leaving the position of the next `write` where it was.
    func write(_ bytes: [UInt8], at offset: Int) throws {
        let descriptor = self.descriptor
        try bytes.withUnsafeBytes { bytes in
            try writeWhole(bytes) { pwrite(descriptor, $0, $1, off_t(offset + $2)) }
        }
    }

    /// Moves the position of the next `write` to `offset`; the bytes skipped read as zeros until
    /// written.
    func seek(to offset: Int) throws {
        guard lseek(descriptor, off_t(offset), SEEK_SET) >= 0 else { throw Self.unwritable(url) }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        let descriptor = self.descriptor
        try writeWhole(bytes) { start, count, _ in systemWrite(descriptor, start, count) }
    }

    /// Calls `write` (start, count, offset into `bytes`) until every byte is written: a call may
    /// write fewer bytes than asked, or be interrupted.
    private func writeWhole(_ bytes: UnsafeRawBufferPointer, _ write: (UnsafeRawPointer, Int, Int) -> Int) throws {
        var done = 0
        while done < bytes.count {
            let written = write(bytes.baseAddress! + done, bytes.count - done, done)
            if written > 0 {
                done += written
            } else if written < 0 && errno == EINTR {
                continue
            } else {
                throw Self.unwritable(url)
            }
        }
    }

    /// Appends the file at `source` from byte `offset` on, copied by the kernel (`sendfile`) where
    /// it can, else through a buffer.
    func append(contentsOf source: URL, from offset: Int = 0) throws {
        let input = open(source.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Self.unwritable(url) }
        defer { _ = systemClose(input) }
        guard lseek(input, off_t(offset), SEEK_SET) >= 0 else { throw Self.unwritable(url) }
        #if os(Linux)
            var isKernelCopy = true
            while isKernelCopy {
                let copied = sendfile(descriptor, input, nil, 1 << 30)
                if copied == 0 { return }
                if copied < 0 {
                    if errno == EINTR { continue }
                    guard errno == EINVAL || errno == ENOSYS else { throw Self.unwritable(url) }
                    isKernelCopy = false  // not supported here: copy what is left through a buffer
                }
            }
        #endif
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(input, buffer.baseAddress!, buffer.count)
            if count == 0 { return }
            if count < 0 {
                if errno == EINTR { continue }
                throw Self.unwritable(url)
            }
            try write(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }

    func close() throws {
        let result = systemClose(descriptor)
        descriptor = -1
        if result != 0 { throw Self.unwritable(url) }
    }

    static func unwritable(_ url: URL) -> KetenpoortError {
        KetenpoortError(.outputUnwritable, "\(url.deletingLastPathComponent().path): cannot write")
    }
}

// The system calls by other names: inside `OutputFile`, `write` and `close` are its own methods.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(descriptor, bytes, count) }
private func systemClose(_ descriptor: Int32) -> Int32 { close(descriptor) }
