import Foundation
import GRDB
import KetenpoortCore

/// The embedded default store: one SQLite file (WAL, full sync), versioned migrations. Writes are
/// serialised; reads run on their own connections beside a write (WAL snapshots), so the API's
/// lookups do not wait for a commit's fsync.
public final class SQLiteStore: Store {
    let queue: DatabasePool

    /// Opens (and creates or migrates) the store at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            queue = try DatabasePool(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw KetenpoortError(.storeUnavailable, "the store at \(path) cannot be opened: \(error.resultCode)")
        }
    }

    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try queue.write { db in try body(SQLiteTransaction(db: db)) }
    }

    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try queue.read { db in try body(SQLiteTransaction(db: db)) }
    }

    /// The applied schema versions, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try Self.migrator.appliedMigrations(db) }
    }
}

extension KetenpoortError.Code {
    public static let storeUnavailable: Self = "store.unavailable"
}
