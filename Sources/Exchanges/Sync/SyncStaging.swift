import Foundation
import GRDB
import KetenpoortCore
import Store
import StoreSQLite

/// The scratch space of one nightly sync: a SQLite file of its own (no journal, no fsync) and a
/// file of staged records beside it (`StagedRecordFile`), outside the store, so staging a night
/// never holds the store's write lock and memory stays flat however large the snapshot. Both are
/// thrown away when the run ends: a crashed run stages again, against the sent state as the
/// applied batches left it.
///
/// - `snapshot`: one small row per snapshot line (its rowid), indexed by person for the merge with
///   the sent state; the records themselves, with what sealing needs, go to the records file,
///   each municipality's together in file order — the order sealing reads them in;
/// - the merge's decisions: which staged rows become a `nieuw` or a `wijziging` (in memory, two
///   bits per line: `Decisions`), and the withdrawals and forgettings (`notification`, with the
///   identifiers the sent state kept);
/// - `forEachNotification` reads both back per municipality in file order, one pass over each.
final class SyncStaging {
    /// One row of the snapshot, as the merge reads it.
    struct SnapshotRow {
        let person: String
        let line: Int
        let isClean: Bool
        let gemeente: String?
        let contentHash: String?
    }

    /// A notification the merge decided, with what sealing needs.
    struct Notification {
        let gemeente: String
        let kind: NotificationKind
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
    /// The staged records, per municipality.
    private let records: StagedRecordFile
    /// The municipalities' numbers: the order of the staged records and of the withdrawals.
    let numbers: GemeenteNumbers
    /// The staged rows the merge decided to send, with their kind.
    private(set) var decisions = Decisions()

    /// A fresh scratch file `<directory>/<run>.staging.sqlite` (an old one of the same run is removed).
    init(directory: URL, run: RunID, municipalities: [String]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("\(run).staging.sqlite")
        numbers = GemeenteNumbers(registered: municipalities)
        Self.remove(url)
        records = try StagedRecordFile(url: Self.recordsURL(url))
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            // `threads`: SQLite may sort the person index with a helper thread.
            try db.execute(
                sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA cache_size = -4096; PRAGMA temp_store = FILE; PRAGMA threads = 2")
        }
        database = try DatabaseQueue(path: url.path, configuration: configuration)
        try database.writeWithoutTransaction { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot (person TEXT NOT NULL, clean INTEGER NOT NULL, gemeente TEXT, content_hash TEXT);
                    CREATE TABLE notification (
                        number INTEGER NOT NULL, sequence INTEGER NOT NULL, gemeente TEXT NOT NULL, soort TEXT NOT NULL, person TEXT NOT NULL,
                        bsn TEXT, vnummer TEXT);
                    """)
        }
    }

    deinit { Self.remove(url) }

    /// Removes the file and its companions; in steps (`GradualRemoval`): a night's scratch file is
    /// hundreds of megabytes, removed while the IND is asking.
    private static func remove(_ url: URL) {
        for suffix in ["", "-journal", "-wal", "-shm"] { GradualRemoval.remove(url.path + suffix) }
        GradualRemoval.remove(recordsURL(url).path)
    }

    /// The records file beside the scratch database `url`.
    private static func recordsURL(_ url: URL) -> URL { url.deletingPathExtension().appendingPathExtension("records") }

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

    /// Writes the staged rows of one pass: each line's row in the snapshot table (rowid: the line,
    /// appended in file order), and its record, when it has one, to the records file.
    struct SnapshotWriter {
        private let insert: BoundStatement
        private let numbers: GemeenteNumbers
        private let records: StagedRecordFile

        init(in db: Database, staging: SyncStaging) throws {
            insert = try BoundStatement("INSERT INTO snapshot (rowid, person, clean, gemeente, content_hash) VALUES (?, ?, ?, ?, ?)", in: db)
            numbers = staging.numbers
            records = staging.records
        }

        func add(_ row: StagedRow) throws {
            precondition(row.line >= 0 && row.line < 1 << 32, "a snapshot line beyond 2^32")
            try insert.run { values in
                values.integer(Int64(row.line))
                values.text(row.person)
                values.integer(row.isClean ? 1 : 0)
                values.text(row.gemeente)
                values.text(row.contentHash)
            }
            guard let gemeente = row.gemeente, let record = row.record, let contentHash = row.contentHash else { return }
            try records.append(
                StagedRecordFile.Entry(
                    line: row.line, isHoused: row.isHoused, person: row.person, gemeente: gemeente, contentHash: contentHash, bsn: row.bsn,
                    vnummer: row.vnummer, record: record),
                number: Int(numbers.number(of: gemeente)))
        }

        /// Writes what is still buffered (call once, after the last row).
        func finish() throws { try records.finish() }
    }

    /// Sorts the staged snapshot by person (an index that covers what the merge reads).
    func sortSnapshot() throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE INDEX snapshot_person ON snapshot (person, clean, gemeente, content_hash)")
        }
    }

    /// Calls `body` with a cursor over the snapshot in person order (then file order).
    func withSnapshotByPerson<T>(_ body: (_ next: () throws -> SnapshotRow?, _ db: Database) throws -> T) throws -> T {
        try write { db in
            let rows = try RowCursor(
                "SELECT rowid, person, clean, gemeente, content_hash FROM snapshot INDEXED BY snapshot_person ORDER BY person, rowid", in: db)
            return try body(
                {
                    guard try rows.next() else { return nil }
                    return SnapshotRow(
                        person: rows.text(1), line: Int(rows.integer(0)), isClean: rows.integer(2) != 0, gemeente: rows.optionalText(3),
                        contentHash: rows.optionalText(4))
                }, db)
        }
    }

    /// The insert `addWithdrawal` uses, prepared for one pass.
    /// The kind a staged withdrawal row names; the scratch file is the sync's own, so another value is a defect.
    static func kind(_ text: String) throws -> NotificationKind {
        guard let kind = NotificationKind(rawValue: text) else {
            throw KetenpoortError(.syncRefused, "the scratch file holds a notification of an unknown kind")
        }
        return kind
    }

    static func withdrawalInsert(in db: Database) throws -> BoundStatement {
        try BoundStatement("INSERT INTO notification (number, sequence, gemeente, soort, person, bsn, vnummer) VALUES (?, ?, ?, ?, ?, ?, ?)", in: db)
    }

    /// Records a decided notification that sends no staged record — a withdrawal (or a forgetting)
    /// of what the sent state holds — at `sequence` among `gemeente`'s notifications.
    func addWithdrawal(
        gemeente: String, sequence: Int, kind: NotificationKind, person: String, bsn: String?, vnummer: String?, with insert: BoundStatement
    ) throws {
        let number = numbers.number(of: gemeente)
        try insert.run { row in
            row.integer(number)
            row.integer(Int64(sequence))
            row.text(gemeente)
            row.text(kind.rawValue)
            row.text(person)
            row.text(bsn)
            row.text(vnummer)
        }
    }

    /// Records that the staged row of `line` is sent, as a `wijziging` or else a `nieuw`.
    func addSending(line: Int, isChange: Bool) {
        decisions.add(line: line, isChange: isChange)
    }

    /// Calls `body` for every decided notification, per municipality (by number) in file order: a
    /// withdrawal before the notification of the line that caused it, withdrawals of persons gone
    /// last. Reads the staged records once, per municipality, beside the withdrawals in their order.
    func forEachNotification(_ body: (Notification) throws -> Void) throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS notification_order ON notification (number, sequence)")
        }
        try database.read { db in
            let withdrawals = try RowCursor(
                "SELECT number, sequence, gemeente, soort, person, bsn, vnummer FROM notification INDEXED BY notification_order ORDER BY number, sequence",
                in: db)
            var withdrawal = try withdrawals.next() ? (withdrawals.integer(0), withdrawals.integer(1)) : nil
            /// Gives every withdrawal ordered before `key` (all when nil).
            func withdraw(before key: (Int64, Int64)?) throws {
                while let next = withdrawal, key.map({ next < $0 }) ?? true {
                    let gemeente = withdrawals.text(2)
                    try body(
                        Notification(
                            gemeente: gemeente, kind: try Self.kind(withdrawals.text(3)), person: withdrawals.text(4), addressee: gemeente,
                            record: nil, contentHash: nil, isHoused: false, bsn: withdrawals.optionalText(5), vnummer: withdrawals.optionalText(6)))
                    withdrawal = try withdrawals.next() ? (withdrawals.integer(0), withdrawals.integer(1)) : nil
                }
            }
            var found = 0
            for number in records.numbers {
                try records.forEach(of: number) { entry in
                    guard let isChange = decisions.isChange(line: entry.line) else { return }
                    found += 1
                    try withdraw(before: (Int64(number), 2 * Int64(entry.line) + 1))
                    try body(
                        Notification(
                            gemeente: entry.gemeente, kind: isChange ? .wijziging : .nieuw, person: entry.person, addressee: entry.gemeente,
                            record: entry.record, contentHash: entry.contentHash, isHoused: entry.isHoused, bsn: entry.bsn, vnummer: entry.vnummer))
                }
            }
            try withdraw(before: nil)
            guard found == decisions.count else { throw KetenpoortError(.syncRefused, "the scratch file lost a staged row") }
        }
    }
}
