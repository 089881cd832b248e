import Crypto
import Exchanges
import Foundation
import Gateway
import NIOCore

/// The body of a file POSTed to the inbox, written to `url` and hashed (SHA-256, and SHA-512 when
/// its `Content-Digest` names it) as it arrives — in chunks, as batch work (`BatchWork`): hashing
/// and writing up to 1 GiB is the heaviest work a request does, and on Swift's cooperative pool
/// (two threads here) it would hold up the IND's answers for as long as the upload lasts.
///
/// Written back in steps (`WritebackPacer`, every 8 MiB): left to the kernel, a 150 MB snapshot
/// goes to disk in one burst some 30 s later, mid-night, and every processing-log fsync queues
/// behind it.
///
/// One task uses it, one call at a time; `@unchecked Sendable` for the batch thread that works on
/// it while that task awaits.
final class InboxBodyFile: @unchecked Sendable {
    /// What is handed to the batch thread at a time.
    static let chunkSize = 1 << 20

    let url: URL
    private let handle: FileHandle
    private var sha256 = SHA256()
    private var sha512: SHA512?
    private var pending: [UInt8] = []
    private var pacer: WritebackPacer
    private(set) var size = 0

    /// Creates (or empties) the file at `url`; `sha512`: hash it with SHA-512 as well.
    init(url: URL, sha512: Bool) throws {
        self.url = url
        self.sha512 = sha512 ? SHA512() : nil
        // A file that could not be created makes the FileHandle below throw, with the reason.
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        handle = try FileHandle(forWritingTo: url)
        pacer = WritebackPacer(file: url, interval: 8)
        pending.reserveCapacity(Self.chunkSize)
    }

    deinit {
        try? handle.close()
        pacer.close()
    }

    /// Adds `buffer`; a full chunk is hashed and written before this returns.
    func append(_ buffer: ByteBuffer) async throws {
        size += buffer.readableBytes
        buffer.withUnsafeReadableBytes { pending.append(contentsOf: $0) }
        if pending.count >= Self.chunkSize { try await flush() }
    }

    /// Writes what is left; returns the digests of the whole body (SHA-512 only if asked for).
    func finish() async throws -> (sha256: Data, sha512: Data?) {
        try await flush()
        try handle.close()
        return (Data(sha256.finalize()), sha512.map { Data($0.finalize()) })
    }

    private func flush() async throws {
        guard !pending.isEmpty else { return }
        try await BatchWork.run { [self] in
            sha256.update(data: pending)
            sha512?.update(data: pending)
            try handle.write(contentsOf: pending)
            pending.removeAll(keepingCapacity: true)
            pacer.wrote()
        }
    }
}
