import GRDB

/// Opens the store's files so that a commit survives a crash of the machine, not only of the
/// process: `synchronous = FULL`, one fsync of the write-ahead log per commit.
///
/// Set on the writer after GRDB opened the pool: `DatabasePool` switches its writer to WAL and,
/// with it, to `synchronous = NORMAL` after `prepareDatabase` ran, so a `FULL` set there does not
/// hold (until 2026-12 every file of the store committed with NORMAL: no fsync at a commit, only at
/// each checkpoint).
enum DurablePool {
    static func open(path: String, configuration: Configuration) throws -> DatabasePool {
        let pool = try DatabasePool(path: path, configuration: configuration)
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return pool
    }

    /// The writer's `synchronous` setting: 2 is FULL (for tests).
    static func synchronous(of pool: DatabasePool) throws -> Int {
        try pool.writeWithoutTransaction { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") ?? -1 }
    }
}
