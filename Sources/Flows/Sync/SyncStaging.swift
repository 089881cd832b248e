import Foundation
import GRDB
import KetenpoortCore
import Store

/// The scratch space of one nightly sync: a SQLite file of its own (no journal, no fsync), outside
/// the store, so staging a night never holds the store's write lock and memory stays flat however
/// large the snapshot. It holds the validated snapshot (`snapshot`, sorted by person for the merge
/// with the sent state) and the notifications the merge decided (`notification`, read back per
/// municipality in file order for sealing). It is thrown away when the run ends: a crashed run
/// stages again, against the sent state as the applied batches left it.
final class SyncStaging {
    /// One row of the snapshot, as the merge reads it.
    struct SnapshotRow {
        let rowid: Int64
        let person: String
        let line: Int
        let isClean: Bool
        let gemeente: String?
        let contentHash: String?
    }

    /// A notification the merge decided, with what sealing needs.
    struct Notification {
        let gemeente: String
        let soort: String
        let person: String
        /// The municipality the staged record names (the notification's own for a withdrawal).
        let addressee: String
        /// The staged record's bytes (`nieuw`, `wijziging`), nil for a withdrawal.
        let record: [UInt8]?
        let contentHash: String?
        let isHoused: Bool
        let bsn: String?
        let vnummer: String?
    }

    let url: URL
    private let database: DatabaseQueue

    /// A fresh scratch file `<directory>/<run>.staging.sqlite` (an old one of the same run is removed).
    init(directory: URL, run: String) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("\(run).staging.sqlite")
        Self.remove(url)
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -16384; PRAGMA temp_store = FILE")
        }
        database = try DatabaseQueue(path: url.path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot (
                        person TEXT NOT NULL, line INTEGER NOT NULL, clean INTEGER NOT NULL, gemeente TEXT, content_hash TEXT,
                        housed INTEGER, bsn TEXT, vnummer TEXT, record BLOB);
                    CREATE TABLE notification (
                        gemeente TEXT NOT NULL, sequence INTEGER NOT NULL, soort TEXT NOT NULL, person TEXT NOT NULL, snapshot INTEGER,
                        bsn TEXT, vnummer TEXT);
                    """)
        }
    }

    deinit { Self.remove(url) }

    private static func remove(_ url: URL) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: url.path + suffix) }
    }

    /// Runs `body` in one transaction of the scratch file (one commit for a whole pass).
    func write<T>(_ body: (Database) throws -> T) throws -> T {
        var result: T?
        try database.inTransaction { db in
            result = try body(db)
            return .commit
        }
        return result!
    }

    /// One item of the snapshot as staged: a quarantined one (`isClean` false) only marks its
    /// person as seen; `record` is kept for a person bound for a registered municipality.
    struct StagedRow {
        let person: String
        let line: Int
        let isClean: Bool
        let gemeente: String?
        let contentHash: String?
        let isHoused: Bool
        let bsn: String?
        let vnummer: String?
        let record: [UInt8]?
    }

    /// Writes the staged rows of one pass, each municipality's records together in runs of
    /// `runLength`: sealing reads a municipality's records in file order, and a run fills a few
    /// pages, so a page read then serves a run instead of a single record (342 municipalities
    /// interleaved would make it one page read per record). Rows without a record go at once.
    struct SnapshotWriter {
        static let runLength = 32
        private let insert: BoundStatement
        private var runs: [String: [StagedRow]] = [:]

        init(in db: Database) throws {
            insert = try BoundStatement(
                "INSERT INTO snapshot (person, line, clean, gemeente, content_hash, housed, bsn, vnummer, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", in: db)
        }

        mutating func add(_ row: StagedRow) throws {
            guard let gemeente = row.gemeente, row.record != nil else { return try write(row) }
            var run = runs.removeValue(forKey: gemeente) ?? []
            run.append(row)
            if run.count >= Self.runLength {
                for row in run { try write(row) }
                run.removeAll(keepingCapacity: true)
            }
            runs[gemeente] = run
        }

        /// Writes the runs still open (call once, after the last row).
        mutating func finish() throws {
            for gemeente in runs.keys.sorted() {
                for row in runs[gemeente] ?? [] { try write(row) }
            }
            runs.removeAll()
        }

        private func write(_ row: StagedRow) throws {
            try insert.run { values in
                values.text(row.person)
                values.integer(Int64(row.line))
                values.integer(row.isClean ? 1 : 0)
                values.text(row.gemeente)
                values.text(row.contentHash)
                values.integer(row.isHoused ? 1 : 0)
                values.text(row.bsn)
                values.text(row.vnummer)
                values.blob(row.record)
            }
        }
    }

    /// Sorts the staged snapshot by person (an index that covers what the merge reads).
    func sortSnapshot() throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE INDEX snapshot_person ON snapshot (person, line, clean, gemeente, content_hash)")
        }
    }

    /// Calls `body` with a cursor over the snapshot in person order (then file order).
    func withSnapshotByPerson<T>(_ body: (_ next: () throws -> SnapshotRow?, _ db: Database) throws -> T) throws -> T {
        try write { db in
            let rows = try Row.fetchCursor(
                db, sql: "SELECT rowid, person, line, clean, gemeente, content_hash FROM snapshot INDEXED BY snapshot_person ORDER BY person, line")
            return try body(
                {
                    guard let row = try rows.next() else { return nil }
                    return SnapshotRow(
                        rowid: row[0], person: row[1], line: row[2], isClean: row[3], gemeente: row[4], contentHash: row[5])
                }, db)
        }
    }

    /// The insert `addNotification` uses, prepared for one pass.
    static func notificationInsert(in db: Database) throws -> BoundStatement {
        try BoundStatement("INSERT INTO notification (gemeente, sequence, soort, person, snapshot, bsn, vnummer) VALUES (?, ?, ?, ?, ?, ?, ?)", in: db)
    }

    /// Records a decided notification (`snapshot` is the staged row it sends, nil for a withdrawal).
    static func addNotification(
        gemeente: String, sequence: Int, soort: String, person: String, snapshot: Int64?, bsn: String?, vnummer: String?, with insert: BoundStatement
    ) throws {
        try insert.run { row in
            row.text(gemeente)
            row.integer(Int64(sequence))
            row.text(soort)
            row.text(person)
            row.integer(snapshot)
            row.text(bsn)
            row.text(vnummer)
        }
    }

    /// Calls `body` for every decided notification, per municipality in sequence order.
    func forEachNotification(_ body: (Notification) throws -> Void) throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS notification_order ON notification (gemeente, sequence)")
        }
        try database.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT n.gemeente, n.soort, n.person, s.record, s.content_hash, s.housed, coalesce(s.bsn, n.bsn), coalesce(s.vnummer, n.vnummer),
                        coalesce(s.gemeente, n.gemeente)
                    FROM notification n INDEXED BY notification_order LEFT JOIN snapshot s ON s.rowid = n.snapshot
                    ORDER BY n.gemeente, n.sequence
                    """)
            while let row = try rows.next() {
                let record: Data? = row[3]
                try body(Notification(
                    gemeente: row[0], soort: row[1], person: row[2], addressee: row[8], record: record.map { [UInt8]($0) }, contentHash: row[4],
                    isHoused: (row[5] as Bool?) ?? false, bsn: row[6], vnummer: row[7]))
            }
        }
    }
}
