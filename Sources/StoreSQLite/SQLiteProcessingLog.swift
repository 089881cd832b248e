import Foundation
import GRDB
import KetenpoortCore
import Store

/// The processing log of the SQLite engine, in a file of its own beside the store
/// (`ketenpoort.sqlite` → `ketenpoort.processing-log.sqlite`): SQLite has one write lock per file,
/// so a night's sync or a DUO ingest writing the store never makes an IND answer wait for its
/// log entry. WAL with full sync; rows in time order, no index on the (random) pseudonym, so an
/// append dirties a page at the log's end; UPDATE and DELETE refused by triggers.
///
/// Entries written before the log had a file of its own (schema v6–v7, in the store file) are
/// copied over once, when the log file is created.
public final class SQLiteProcessingLog: ProcessingLog {
    private let file: SQLiteSideFile
    var pool: DatabasePool { file.pool }
    public var path: String { file.path }

    /// The log file that belongs to the store at `storePath`.
    public static func path(forStore storePath: String) -> String {
        SQLiteSideFile.path(forStore: storePath, name: "processing-log")
    }

    /// Opens (or creates) the log of the store at `storePath`; the entries the store file itself
    /// holds (older versions) are copied into a newly created log.
    init(storePath: String, logLimit: Int = 4 << 20) throws {
        self.logLimit = logLimit
        file = try SQLiteSideFile(storePath: storePath, name: "processing-log", migrator: Self.migrator)
        // Entries of v6–v7, in the store file, in their order.
        try file.importOnce(fromStore: storePath) { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM legacy.sqlite_master WHERE type = 'table' AND name = 'processing_log'") ?? false else {
                return
            }
            let columns = "trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at"
            try db.execute(sql: "INSERT INTO processing_log (\(columns)) SELECT \(columns) FROM legacy.processing_log ORDER BY rowid")
        }
    }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-processing-log") { db in
            try db.execute(
                sql: """
                    CREATE TABLE processing_log (
                        trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, activity TEXT NOT NULL,
                        caller_oin TEXT NOT NULL, purpose TEXT NOT NULL, case_number TEXT, subject TEXT NOT NULL, outcome TEXT NOT NULL,
                        at REAL NOT NULL);
                    CREATE TABLE legacy_import (done INTEGER NOT NULL);
                    """)
            try SQLiteStore.makeAppendOnly(["processing_log"], in: db)
        }
        return migrator
    }()

    /// The write-ahead log's bound (`SQLiteSideFile.boundLog`): small, so that the log is written
    /// over again from its start, like PostgreSQL's recycled WAL segments. Every commit is an
    /// fdatasync; one that grows the file must also write its size (0.34 vs 0.14 ms on this VM's
    /// disk idle, and far more when the disk is busy). Bound at 256 MiB the log grew for minutes and
    /// `bench-api` held p99 < 5 ms up to 410–850 answers/s; at 4 MiB, 2,050–2,500/s (A/B,
    /// 2026-12-02). The writer's own checkpoint then comes every ~1,000 commits; the gateway's
    /// checkpointer copies the log once a second (`StoreCheckpointer.processingLogInterval`).
    let logLimit: Int

    public func append(_ entries: [ProcessingLogEntry]) throws {
        try pool.write { db in for entry in entries { try Self.insert(entry, in: db) } }
        // Durable already: a failure to copy the log over is not the entries' failure.
        try? file.boundLog(to: logLimit)
    }

    public func checkWritable() throws {
        try pool.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            try db.execute(sql: "ROLLBACK")
        }
    }

    public func processings(subject: String) throws -> [ProcessingLogEntry] {
        try pool.read { db in try Self.processings(subject: subject, in: db) }
    }

    /// On one of GRDB's reader threads.
    public func processings(subject: String) async throws -> [ProcessingLogEntry] {
        try await pool.read { db in try Self.processings(subject: subject, in: db) }
    }

    private static func processings(subject: String, in db: Database) throws -> [ProcessingLogEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM processing_log WHERE subject = ? ORDER BY rowid", arguments: [subject]).map(entry)
    }

    func takeOverCheckpoints() throws { try file.takeOverCheckpoints() }

    func checkpoint() throws { try file.checkpoint() }

    private static func insert(_ entry: ProcessingLogEntry, in db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO processing_log (trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            entry.traceID, entry.spanID, entry.parentSpanID, entry.activity, entry.callerOIN, entry.purpose, entry.caseNumber, entry.subject,
            entry.outcome, entry.at.timeIntervalSince1970,
        ])
    }

    private static func entry(_ row: Row) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], activity: row["activity"],
            callerOIN: row["caller_oin"], purpose: row["purpose"], caseNumber: row["case_number"], subject: row["subject"],
            outcome: row["outcome"], at: Date(timeIntervalSince1970: row["at"]))
    }
}
