import Foundation
import KetenpoortCore
import Store

/// The PostgreSQL engine's threads: each owns one connection and runs, one at a time, the work
/// handed to the engine. Callers never block Swift's cooperative pool: async callers suspend until
/// a thread has run their work; blocking callers (batch jobs on threads of their own) wait.
final class PostgresEngine: Sendable {
    private let queue = WorkQueue()

    /// Opens `threads` connections with `conninfo`, each on a thread of its own named
    /// `kp-<name>-<n>`, and runs `setup` (session settings) on each.
    init(conninfo: String, password: String? = nil, threads: Int, name: String = "postgres", setup: String = "") throws {
        precondition(threads >= 1, "an engine needs a thread")
        for index in 0..<threads {
            let connection = try PostgresConnection(conninfo: conninfo, password: password, setup: setup)
            let thread = Thread { [queue] in
                ThreadName.setCurrent("kp-\(name)-\(index)")
                while let item = queue.next() { item.run(on: connection) }
            }
            thread.start()
        }
    }

    deinit { queue.close() }

    /// Runs `body` in one transaction on an engine thread and commits it; a thrown error rolls it
    /// back. The calling thread waits: for code already on a thread of its own.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async transaction")
    func transaction<T>(readOnly: Bool = false, _ body: (PostgresConnection) throws -> T) throws -> T {
        nonisolated(unsafe) var outcome: Result<T, any Error>?
        try withoutActuallyEscaping(body) { body in
            nonisolated(unsafe) let body = body
            let done = DispatchSemaphore(value: 0)
            queue.add(
                WorkItem(done: done) { connection in
                    outcome = Result { try Self.inTransaction(connection, readOnly: readOnly, body) }
                })
            done.wait()
        }
        return try outcome!.get()
    }

    /// Runs `body` in one transaction on an engine thread and commits it.
    func transaction<T: Sendable>(readOnly: Bool = false, _ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.add(
                WorkItem { connection in continuation.resume(with: Result { try Self.inTransaction(connection, readOnly: readOnly, body) }) })
        }
    }

    /// Hands `body` to an engine thread and returns at once: for work that tells its callers itself
    /// (`GroupedAnswerReads`).
    func submit(_ body: @escaping @Sendable (PostgresConnection) -> Void) {
        queue.add(WorkItem { connection in body(connection) })
    }

    /// SQLSTATEs after which PostgreSQL asks for the whole transaction to be tried again: a deadlock
    /// it broke by rolling this transaction back (nodes writing the same rows in another order), a
    /// serialisation failure.
    static let retriedStates: Set<String> = ["40P01", "40001"]
    /// Attempts of one transaction at most, when each ends in one of `retriedStates`.
    static let attempts = 4

    /// Runs `body` in a transaction; one rolled back by the server as a deadlock victim (or a
    /// serialisation failure) is run again from the start, a few times, after a short random pause.
    private static func inTransaction<T>(_ connection: PostgresConnection, readOnly: Bool, _ body: (PostgresConnection) throws -> T) throws -> T {
        for attempt in 1... {
            do {
                return try once(connection, readOnly: readOnly, body)
            } catch let error as PostgresError where retriedStates.contains(error.sqlState) && attempt < attempts {
                usleep(useconds_t.random(in: 5_000...(20_000 * useconds_t(attempt))))
            }
        }
        preconditionFailure("the loop above returns or throws")
    }

    /// A read-only transaction sees one snapshot throughout (repeatable read).
    private static func once<T>(_ connection: PostgresConnection, readOnly: Bool, _ body: (PostgresConnection) throws -> T) throws -> T {
        let begin = readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN"
        do {
            try connection.execute(script: begin)
        } catch {
            // A connection the server dropped (it restarted) shows only when used: nothing has run
            // yet, so connect again and begin once more.
            guard try connection.reconnectIfLost() else { throw error }
            try connection.execute(script: begin)
        }
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

/// Work for an engine thread. A blocking caller's work borrows its closure
/// (`withoutActuallyEscaping`), so the thread lets go of the closure before it wakes the caller.
///
/// `@unchecked Sendable`: `work` is set at creation and cleared by the one thread that runs it.
private final class WorkItem: @unchecked Sendable {
    private var work: ((PostgresConnection) -> Void)?
    private let done: DispatchSemaphore?

    init(done: DispatchSemaphore? = nil, _ work: @escaping (PostgresConnection) -> Void) {
        self.work = work
        self.done = done
    }

    func run(on connection: PostgresConnection) {
        work?(connection)
        work = nil
        done?.signal()
    }
}

/// The work waiting for an engine thread, first come first served.
///
/// `@unchecked Sendable`: `items` and `isClosed` are only touched while `condition` is locked.
private final class WorkQueue: @unchecked Sendable {
    typealias Work = WorkItem
    private let condition = NSCondition()
    private var items: [Work] = []
    private var isClosed = false

    func add(_ work: Work) {
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
