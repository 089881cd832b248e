import Foundation
import GRDB
import KetenpoortCore
import Store

/// The embedded default store: one SQLite file (WAL, full sync), versioned migrations. Writes are
/// serialised; reads run on their own connections beside a write (WAL snapshots), so the API's
/// lookups do not wait for a commit's fsync.
public final class SQLiteStore: Store {
    let queue: DatabasePool
    let path: String
    /// The clock claims and leases are measured by (one clock for every node on this one file).
    let clock: any WallClock
    /// The processing log, in a file of its own (see `SQLiteProcessingLog`).
    let log: SQLiteProcessingLog
    public var processingLog: any ProcessingLog { log }
    /// The DUO status store, in a file of its own (see `SQLiteDuoStatusStore`).
    let status: SQLiteDuoStatusStore
    public var duoStatus: any DuoStatusStore { status }
    /// The file the DUO status store is kept in.
    public var duoStatusPath: String { status.path }
    /// A connection of its own for checkpoints, once `takeOverCheckpoints()` was called.
    private let checkpointer = LockedConnection()

    /// Makes SQLite's process-wide settings (see `SQLiteSettings`) if SQLite is not in use yet;
    /// returns whether they hold. Opening a store does it too; a process calls it first thing.
    @discardableResult
    public static func configureProcess() -> Bool { SQLiteSettings.applied }

    /// The page cache of each reader connection, KiB.
    static let readerCacheKiB = 256

    /// The page size of a new store file: 16 KiB instead of SQLite's 4 KiB. A night's payloads are
    /// most of what the store writes (1 MiB parts: 522 MiB for 1,000,000 persons) and every page is a
    /// frame of the write-ahead log — written with two `pwrite`s — and copied again by a checkpoint:
    /// a quarter of the frames, system calls and B-tree steps for the same bytes. A night of
    /// 1,000,000 persons took 15.9–18.3 s instead of 19.0–21.4 s, 33–37 instead of 40–42 CPU seconds
    /// (`bench-sync`, alternating runs, 2026-12-03); 64 KiB was slower, 32 KiB no clearly faster.
    /// The processing log and the DUO status store keep 4 KiB: one small commit per answer, and
    /// point lookups.
    static let pageSize = 16_384

    /// Opens (and creates or migrates) the store at `path`; claims and leases run by `clock`.
    public init(path: String, clock: any WallClock = SystemWallClock()) throws {
        Self.configureProcess()
        self.path = path
        self.clock = clock
        var configuration = Configuration()
        configuration.journalMode = .wal
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            // Readers of the store mostly stream payloads and scan the sent state once; a page cache
            // of SQLite's default 2 MiB on each of up to five readers held a night's payload pages
            // (10–15 MiB of a night's peak) that nothing reads twice. The OS page cache stays.
            if db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -\(Self.readerCacheKiB)") }
            // Only a new file takes it: an existing one keeps the page size it was made with.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA page_size = \(Self.pageSize)") }
        }
        do {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            queue = try DurablePool.open(path: path, configuration: configuration)
            try Self.migrator.migrate(queue)
            log = try SQLiteProcessingLog(storePath: path)
            status = try SQLiteDuoStatusStore(storePath: path, legacy: queue)
        } catch let error as DatabaseError {
            throw KetenpoortError(.storeUnavailable, "the store at \(path) cannot be opened: \(error.resultCode)")
        }
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async write")
    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try queue.write { db in try body(SQLiteTransaction(db: db, clock: clock)) }
    }

    /// `synchronous = NORMAL` for this one transaction: its commit appends to the write-ahead log
    /// without an fdatasync; the next `FULL` commit (or checkpoint) flushes it with everything before
    /// it. The writer is back at `FULL` before this returns, also when `body` throws.
    @available(*, noasync, message: "blocks the calling thread")
    public func writeUnflushed<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            let result = Result {
                var value: T?
                try db.inTransaction {
                    value = try body(SQLiteTransaction(db: db, clock: clock))
                    return .commit
                }
                return value!
            }
            try db.execute(sql: "PRAGMA synchronous = FULL")
            return try result.get()
        }
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try queue.read { db in try body(SQLiteTransaction(db: db, clock: clock)) }
    }

    /// On GRDB's writer thread.
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let clock = clock
        return try await queue.write { db in try body(SQLiteTransaction(db: db, clock: clock)) }
    }

    /// On one of GRDB's reader threads.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let clock = clock
        return try await queue.read { db in try body(SQLiteTransaction(db: db, clock: clock)) }
    }

    /// A renewal is an ordinary write: SQLite has one writer per file, whose transactions are short
    /// (batch work applies in bounded steps), so there is no other queue to bypass.
    @available(*, noasync, message: "blocks the calling thread: from async code, use the async renewal")
    public func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try write(body) }

    public func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await write(body)
    }

    /// From now on commits only append to the write-ahead log; `checkpoint()` copies it into the
    /// database on another connection. A long-running gateway calls it: by default the commit
    /// that fills the log does the copying, and every request waiting on that commit waits too.
    public func takeOverCheckpoints() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_autocheckpoint = 0") }
        try checkpointer.open(path: path)
        try log.takeOverCheckpoints()
        try status.takeOverCheckpoints()
    }

    /// Copies what it can of the write-ahead logs of the store and the DUO status file — and of
    /// the processing log, when `includingProcessingLog` — into their databases (`PASSIVE`: never
    /// waits for a writer or a reader) and syncs them.
    public func checkpoint(includingProcessingLog: Bool = true) throws {
        try checkpointer.run { db in try db.execute(sql: "PRAGMA wal_checkpoint(PASSIVE)") }
        try status.checkpoint()
        if includingProcessingLog { try log.checkpoint() }
    }

    /// The applied schema versions, oldest first.
    public func appliedMigrations() throws -> [String] {
        try queue.read { db in try Self.migrator.appliedMigrations(db) }
    }
}

/// The checkpoint connection, opened on demand.
///
/// `@unchecked Sendable`: `connection` is only touched while `lock` is held.
final class LockedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: DatabaseQueue?

    func open(path: String) throws {
        lock.lock()
        defer { lock.unlock() }
        if connection == nil {
            var configuration = Configuration()
            configuration.busyMode = .timeout(10)
            connection = try DatabaseQueue(path: path, configuration: configuration)
        }
    }

    func run(_ body: (Database) throws -> Void) throws {
        lock.lock()
        defer { lock.unlock() }
        try connection?.writeWithoutTransaction(body)
    }
}
