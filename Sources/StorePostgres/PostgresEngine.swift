import Foundation
import KetenpoortCore
import Store

/// The PostgreSQL engine's threads: each owns one connection and runs, one at a time, the work
/// handed to the engine. Callers never block Swift's cooperative pool: async callers suspend until
/// a thread has run their work; blocking callers (batch jobs on threads of their own) wait.
final class PostgresEngine: Sendable {
    private let queue = WorkQueue()

    /// Opens `threads` connections with `conninfo`, each on a thread of its own.
    init(conninfo: String, threads: Int) throws {
        precondition(threads >= 1, "an engine needs a thread")
        for index in 0..<threads {
            let connection = try PostgresConnection(conninfo: conninfo)
            let thread = Thread { [queue] in
                ThreadName.setCurrent("kp-postgres-\(index)")
                while let work = queue.next() { work(connection) }
            }
            thread.start()
        }
    }

    deinit { queue.close() }

    /// Runs `body` in one transaction on an engine thread and commits it; a thrown error rolls it
    /// back. The calling thread waits: for code already on a thread of its own.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async transaction")
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        try withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let done = DispatchSemaphore(value: 0)
            queue.add { connection in
                outcome = Result { try Self.inTransaction(connection, body) }
                done.signal()
            }
            done.wait()
        }
        return try outcome!.get()
    }

    /// Runs `body` in one transaction on an engine thread and commits it.
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.add { connection in continuation.resume(with: Result { try Self.inTransaction(connection, body) }) }
        }
    }

    private static func inTransaction<T>(_ connection: PostgresConnection, _ body: (PostgresConnection) throws -> T) throws -> T {
        try connection.execute(script: "BEGIN")
        do {
            let result = try body(connection)
            try connection.execute(script: "COMMIT")
            return result
        } catch {
            try? connection.execute(script: "ROLLBACK")
            throw error
        }
    }
}

/// The work waiting for an engine thread, first come first served.
///
/// `@unchecked Sendable`: `items` and `isClosed` are only touched while `condition` is locked.
private final class WorkQueue: @unchecked Sendable {
    typealias Work = (PostgresConnection) -> Void
    private let condition = NSCondition()
    private var items: [Work] = []
    private var isClosed = false

    func add(_ work: @escaping Work) {
        condition.lock()
        items.append(work)
        condition.signal()
        condition.unlock()
    }

    /// The next work; nil once the queue is closed and empty (the thread ends).
    func next() -> Work? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !isClosed { condition.wait() }
        return items.isEmpty ? nil : items.removeFirst()
    }

    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}
