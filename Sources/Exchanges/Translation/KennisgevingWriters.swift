import Adapters
import Foundation

/// The notification writers of one translation, one per municipality, whose buffers share a
/// memory budget: a writer writes its buffer out once it holds an equal share of the budget
/// (within bounds). Writes stay large and memory stays flat, whatever the size of the snapshot and
/// however many municipalities it names.
struct KennisgevingWriters {
    /// What the writers may buffer: `budget` bytes in all; a writer's share, at which it writes
    /// out, at least `smallestFlush` and at most `largestFlush` bytes.
    struct Limits: Sendable {
        var budget = 16 << 20
        var smallestFlush = 16 << 10
        var largestFlush = 1 << 20
    }

    let directory: URL
    let limits: Limits
    /// By municipality code: the length the head of its document is expected to have (room for it
    /// is left at the start of a part file; 0 when not known).
    var expectedHeadLengths: [String: Int] = [:]
    /// By municipality code.
    private(set) var writers: [String: KennisgevingWriter] = [:]
    private var flushSize: Int

    init(directory: URL, limits: Limits = Limits()) {
        self.directory = directory
        self.limits = limits
        flushSize = Self.flushSize(limits, writers: 1)
    }

    /// Lets `encode` append one item to `gemeente`'s document.
    mutating func append(to gemeente: String, _ encode: (OutputBuffer) throws -> Void) throws {
        let writer: KennisgevingWriter
        if let existing = writers[gemeente] {
            writer = existing
        } else {
            writer = KennisgevingWriter(gemeente: gemeente, directory: directory, reservedHead: expectedHeadLengths[gemeente] ?? 0)
            writers[gemeente] = writer
            flushSize = Self.flushSize(limits, writers: writers.count)
        }
        try encode(writer.buffer)
        writer.count += 1
        if writer.buffer.count >= flushSize { try writer.flush() }
    }

    /// Drops every document.
    func discardAll() {
        for writer in writers.values { writer.discard() }
    }

    /// A writer's share of the budget, within bounds.
    static func flushSize(_ limits: Limits, writers: Int) -> Int {
        min(limits.largestFlush, max(limits.smallestFlush, limits.budget / max(1, writers)))
    }
}
