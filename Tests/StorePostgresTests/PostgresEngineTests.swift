import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import StorePostgres

#if canImport(Glibc)
    import Glibc
#endif

/// The engine's threads against a real PostgreSQL 15 server of the test's own.
@Suite("PostgreSQL engine threads", .serialized)
struct PostgresEngineTests {
    @Test("a transaction commits whole or not at all, from async code and from a thread of its own; async work runs on an engine thread")
    func transactions() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let engine = try PostgresEngine(conninfo: database.owner, threads: 2)
        try await engine.transaction { try $0.execute(script: "CREATE TABLE t (id TEXT PRIMARY KEY)") }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await engine.transaction { connection in
                try connection.query("INSERT INTO t (id) VALUES ($1)", ["rolled-back"])
                throw Boom()
            }
        }
        let caller = pthread_self()
        let worker = try await engine.transaction { connection in
            try connection.query("INSERT INTO t (id) VALUES ($1)", ["async"])
            return pthread_self()
        }
        #expect(worker != caller)
        let count = try await withCheckedThrowingContinuation { done in
            Thread {
                done.resume(
                    with: Result {
                        try engine.transaction { connection in
                            try connection.query("INSERT INTO t (id) VALUES ($1)", ["blocking"])
                            return try connection.query("SELECT count(*) FROM t").rowsAsText[0][0]
                        }
                    })
            }.start()
        }
        #expect(count == "2")
    }

    @Test("two transactions that deadlock (each holds the row the other wants) both land: the server's victim is run again")
    func deadlockRetried() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let engine = try PostgresEngine(conninfo: database.owner, threads: 2)
        try await engine.transaction {
            try $0.execute(script: "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL); INSERT INTO t VALUES (1, 0), (2, 0)")
        }
        // Each takes its first row, waits until the other has its own, then asks for the other's.
        let holding = [ThreadGate(), ThreadGate()]
        let runs = LockedValue(0)
        func crossing(_ first: Int, _ second: Int) async throws {
            try await engine.transaction { connection in
                runs.withLock { $0 += 1 }
                try connection.query("UPDATE t SET v = v + 1 WHERE id = $1", [String(first)])
                holding[first - 1].open()
                holding[second - 1].wait()
                try connection.query("UPDATE t SET v = v + 10 WHERE id = $1", [String(second)])
            }
        }
        async let one: Void = crossing(1, 2)
        async let two: Void = crossing(2, 1)
        _ = try await (one, two)
        #expect(runs.withLock { $0 } == 3, "one of the two ran again")
        let values = try await engine.transaction { try $0.query("SELECT v FROM t ORDER BY id").rowsAsText.map { $0[0] } }
        #expect(values == ["11", "11"], "each row changed once by each transaction")
    }

    @Test("many transactions at once all land, spread over the engine's threads")
    func concurrent() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let engine = try PostgresEngine(conninfo: database.owner, threads: 4)
        try await engine.transaction { try $0.execute(script: "CREATE TABLE t (n INTEGER PRIMARY KEY)") }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for n in 0..<200 {
                group.addTask { _ = try await engine.transaction { try $0.query("INSERT INTO t (n) VALUES ($1)", [String(n)]).affected } }
            }
            try await group.waitForAll()
        }
        #expect(try await engine.transaction { try $0.query("SELECT count(*) FROM t").rowsAsText[0][0] } == "200")
    }
}

/// A node outlives its database's restart.
@Suite("PostgreSQL engine after a server restart", .serialized)
struct PostgresReconnectTests {
    @Test("after the server restarts, the next transaction connects again, with the session's settings")
    func reconnects() async throws {
        let server = try TemporaryPostgres.start()
        defer { server.stop() }
        let engine = try PostgresEngine(conninfo: server.conninfo, threads: 1, setup: "SET TimeZone = 'UTC'")
        try await engine.transaction { try $0.execute(script: "CREATE TABLE t (at timestamptz)") }
        try server.restart()
        try await engine.transaction { try $0.query("INSERT INTO t (at) VALUES ('2026-11-30 12:00:00+01')") }
        let shown = try await engine.transaction { try $0.query("SELECT at::text AS at FROM t").first { try $0["at"] as String } }
        #expect(shown == "2026-11-30 11:00:00+00", "the session is in UTC again")
    }

    @Test("after the server restarts, a single write statement finds its connection closed before sending, and is sent once")
    func statementReconnects() async throws {
        let server = try TemporaryPostgres.start()
        defer { server.stop() }
        let connection = try PostgresConnection(conninfo: server.conninfo)
        let count = try await OwnThread.run {
            try connection.statement(isIdempotent: false) { try $0.execute(script: "CREATE TABLE t (n integer)") }
            try server.restart()
            try connection.statement(isIdempotent: false) { try $0.query("INSERT INTO t (n) VALUES (1)") }
            return try connection.statement(isIdempotent: true) { try $0.query("SELECT count(*) AS n FROM t").first { try $0["n"] as Int } }
        }
        #expect(count == 1)
    }
}

/// A one-way barrier for engine threads (blocking): `wait()` returns once `open()` was called.
private final class ThreadGate: @unchecked Sendable {
    private let condition = NSCondition()
    private var isOpen = false

    func open() {
        condition.lock()
        isOpen = true
        condition.broadcast()
        condition.unlock()
    }

    func wait() {
        condition.lock()
        while !isOpen { condition.wait() }
        condition.unlock()
    }
}
