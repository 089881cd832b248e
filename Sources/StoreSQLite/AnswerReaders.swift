import Foundation
import GRDB

/// Read connections of their own for the IND's answers: a few, each behind a lock, taken by the
/// calling thread. An answer reads a row or a few by key in one short transaction; through
/// `DatabasePool.read` each read also paid the pool's bookkeeping (a generic pool with a
/// read-write lock, key paths instantiated per call) and BEGIN and COMMIT parsed anew — measured,
/// about as much CPU as the read itself. Here BEGIN and COMMIT are prepared once per connection.
final class AnswerReaders: @unchecked Sendable {
    private struct Reader {
        let lock = NSLock()
        let queue: DatabaseQueue
    }

    private let readers: [Reader]
    private let turn = NSLock()
    private var next = 0

    /// `count` read-only connections to the WAL database at `path` (the file must exist).
    init(path: String, count: Int) throws {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        readers = try (0..<max(1, count)).map { _ in Reader(queue: try DatabaseQueue(path: path, configuration: configuration)) }
    }

    /// Runs `body` in a read transaction on a free connection (or waits for one).
    func read<T>(_ body: (Database) throws -> T) throws -> T {
        let first = turn.withLock {
            defer { next = (next + 1) % readers.count }
            return next
        }
        for step in readers.indices {
            let reader = readers[(first + step) % readers.count]
            if reader.lock.try() { return try read(on: reader, body) }
        }
        readers[first].lock.lock()
        return try read(on: readers[first], body)
    }

    /// Runs `body` on `reader`, whose lock the caller holds, and releases it.
    private func read<T>(on reader: Reader, _ body: (Database) throws -> T) throws -> T {
        defer { reader.lock.unlock() }
        return try reader.queue.inDatabase { db in
            try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
            do {
                let result = try body(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return result
            } catch {
                try? db.execute(sql: "ROLLBACK TRANSACTION")
                throw error
            }
        }
    }
}
