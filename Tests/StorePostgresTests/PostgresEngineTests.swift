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
        let database = try SharedPostgres.database()
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

    @Test("many transactions at once all land, spread over the engine's threads")
    func concurrent() async throws {
        let database = try SharedPostgres.database()
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
}
