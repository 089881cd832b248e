import Foundation
import GRDB
import KetenpoortCore
import Store

/// The status store of the SQLite engine, in a file of its own beside the store
/// (`ketenpoort.sqlite` → `ketenpoort.duo-status.sqlite`). Only the DUO ingest writes it, so during
/// a night's sync or a CBS delivery an IND answer reads a file no one is committing to: its read
/// never waits on the store file's write-ahead-log locks.
///
/// Statuses written before the status store had a file of its own (schema v4–v9, in the store
/// file) are moved over once, when the file is created.
public final class SQLiteDuoStatusStore: DuoStatusStore {
    private let file: SQLiteSideFile
    /// The IND's answers read here, not through the pool (see `AnswerReaders`).
    private let answerReaders: AnswerReaders
    var pool: DatabasePool { file.pool }
    public var path: String { file.path }

    /// Opens (or creates) the status store of the store at `storePath`; `legacy` is the store itself.
    init(storePath: String, legacy: DatabasePool) throws {
        file = try SQLiteSideFile(storePath: storePath, name: "duo-status", migrator: Self.migrator)
        let imported = try file.importOnce(fromStore: storePath) { db in
            let columns = SQLiteDuoStatusTransaction.duoColumnList
            let extractColumns = SQLiteDuoStatusTransaction.extractColumnList
            try db.execute(sql: "INSERT INTO duo_status (\(columns)) SELECT \(columns) FROM legacy.duo_status")
            try db.execute(sql: "INSERT INTO duo_extract (\(extractColumns)) SELECT \(extractColumns) FROM legacy.duo_extract")
        }
        // The store keeps its extract rows: they say which applied extracts it has a record of.
        if imported { try legacy.write { db in try db.execute(sql: "DELETE FROM duo_status") } }
        answerReaders = try AnswerReaders(path: file.path, count: 2)
    }

    public func read<T>(_ body: (any DuoStatusReading) throws -> T) throws -> T {
        try file.pool.read { db in try body(SQLiteDuoStatusTransaction(db: db)) }
    }

    /// On one of GRDB's reader threads.
    public func read<T: Sendable>(_ body: @escaping @Sendable (any DuoStatusReading) throws -> T) async throws -> T {
        try await file.pool.read { db in try body(SQLiteDuoStatusTransaction(db: db)) }
    }

    /// On the calling task's own thread, not a reader thread: an answer reads a row or a few by key
    /// (microseconds, and in WAL mode it never waits for a writer), while the hop to a reader thread
    /// and back costs two thread wake-ups — measured at 1,000 answers a second on two cores, more CPU
    /// than the read, and run-queue waits that every answer pays once the cores are busy. On
    /// connections of its own, not the pool's (`AnswerReaders`).
    public func answerRead(bsns: [String]) async throws -> DuoStatusAnswerRead {
        try answerReaders.read { db in try SQLiteDuoStatusTransaction(db: db).answerRead(bsns: bsns) }
    }

    public func write<T>(_ body: (any DuoStatusWriting) throws -> T) throws -> T {
        try file.pool.write { db in try body(SQLiteDuoStatusTransaction(db: db)) }
    }

    func takeOverCheckpoints() throws { try file.takeOverCheckpoints() }

    func checkpoint() throws { try file.checkpoint() }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-duo-status") { db in
            // One row per person DUO reported in the last applied extract; every applied extract
            // (sequence baseline, peildatum, file hash) with the ingest's report.
            try db.execute(
                sql: """
                    CREATE TABLE duo_status (
                        bsn TEXT PRIMARY KEY, regime TEXT NOT NULL, doelgroep TEXT NOT NULL, plicht_start TEXT, termijn_einde TEXT,
                        status TEXT NOT NULL, statusdatum TEXT, leerroute TEXT, leerroute_start TEXT, pip_datum TEXT, pip_in_azc INTEGER,
                        taalniveau TEXT, aantal_boetes INTEGER NOT NULL, invordering_gepauzeerd INTEGER NOT NULL, gemeente TEXT,
                        geslacht TEXT NOT NULL, geboortedatum TEXT NOT NULL, land_herkomst TEXT NOT NULL, werkend INTEGER,
                        vervolgonderwijs INTEGER) WITHOUT ROWID;
                    CREATE TABLE duo_extract (
                        sequence INTEGER PRIMARY KEY, creation_date TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
                        records INTEGER NOT NULL, applied_at REAL NOT NULL, report TEXT);
                    CREATE TABLE legacy_import (done INTEGER NOT NULL);
                    """)
        }
        return migrator
    }()
}
