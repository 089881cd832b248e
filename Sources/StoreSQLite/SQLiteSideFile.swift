import Foundation
import GRDB
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// A SQLite file of its own beside the store file (`ketenpoort.sqlite` → `ketenpoort.<name>.sqlite`),
/// for state that must never wait for the store's write lock: SQLite has one per file. WAL with
/// full sync, like the store; checkpoints taken over by the gateway like the store's.
struct SQLiteSideFile {
    let pool: DatabasePool
    let path: String
    private let checkpointer = LockedConnection()

    /// The side file `name` of the store at `storePath`.
    static func path(forStore storePath: String, name: String) -> String {
        let url = URL(fileURLWithPath: storePath)
        let base = url.pathExtension.isEmpty ? url.lastPathComponent : url.deletingPathExtension().lastPathComponent
        return url.deletingLastPathComponent().appendingPathComponent("\(base).\(name).sqlite").path
    }

    /// Opens (or creates) the side file `name` of the store at `storePath` and migrates it.
    init(storePath: String, name: String, migrator: DatabaseMigrator) throws {
        path = Self.path(forStore: storePath, name: name)
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        pool = try DurablePool.open(path: path, configuration: configuration)
        try migrator.migrate(pool)
    }

    /// Copies what the store file at `storePath` held before this file existed, once (the file's
    /// schema has a `legacy_import` table): `copy` runs with the store attached as `legacy`, in the
    /// transaction that marks the copy made. Returns whether the copy was made now.
    @discardableResult
    func importOnce(fromStore storePath: String, _ copy: @escaping (Database) throws -> Void) throws -> Bool {
        let done = try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM legacy_import") ?? 0 } > 0
        guard !done else { return false }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS legacy", arguments: [storePath])
            defer { try? db.execute(sql: "DETACH DATABASE legacy") }
            try db.inTransaction {
                try copy(db)
                try db.execute(sql: "INSERT INTO legacy_import (done) VALUES (1)")
                return .commit
            }
        }
        return true
    }

    /// Commits only append to the write-ahead log from now on; `checkpoint()` copies it over.
    func takeOverCheckpoints() throws {
        try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        try checkpointer.open(path: path)
    }

    /// A `PASSIVE` checkpoint on a connection of its own: never waits for the writer.
    func checkpoint() throws {
        try checkpointer.run { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
    }

    /// The size of the write-ahead log file (0 when there is none).
    var logBytes: Int {
        var status = stat()
        return stat(path + "-wal", &status) == 0 ? Int(status.st_size) : 0
    }

    /// Keeps the write-ahead log of a file written without pause (the processing log, one commit
    /// per answer) from growing without end: the checkpoints on their own connection copy it
    /// over, but SQLite starts the log anew only when a commit begins with all of it copied, and
    /// with commits every millisecond that moment never comes. Past `limit` bytes the writer
    /// itself copies the rest, between two commits — most was copied already, so a short pause —
    /// and its next commit starts the log from the beginning (truncated to `limit`). Call it on
    /// the writing thread, after a commit.
    func boundLog(to limit: Int) throws {
        guard logBytes > limit else { return }
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_size_limit = \(limit)")
            try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
    }
}
