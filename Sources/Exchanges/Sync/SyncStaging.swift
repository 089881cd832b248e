import Foundation
import GRDB
import KetenpoortCore
import Store
import StoreSQLite

/// The scratch space of one nightly sync: a SQLite file of its own (no journal, no fsync), outside
/// the store, so staging a night never holds the store's write lock and memory stays flat however
/// large the snapshot. It is thrown away when the run ends: a crashed run stages again, against the
/// sent state as the applied batches left it.
///
/// - `snapshot`: the validated snapshot, keyed by municipality and line (`GemeenteNumbers`), so
///   its table holds each municipality's rows together in file order — the order sealing reads
///   them in — and indexed by person for the merge with the sent state;
/// - the merge's decisions: which staged rows become a `nieuw` or a `wijziging` (in memory, two
///   bits per line: `Decisions`), and the withdrawals and forgettings (`notification`, with the
///   identifiers the sent state kept);
/// - `forEachNotification` reads both back per municipality in file order, one pass over each.
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
    /// The municipalities' numbers in this run's keys.
    let numbers: GemeenteNumbers
    /// The staged rows the merge decided to send, with their kind.
    private(set) var decisions = Decisions()

    /// A fresh scratch file `<directory>/<run>.staging.sqlite` (an old one of the same run is removed).
    init(directory: URL, run: RunID, municipalities: [String]) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        url = directory.appendingPathComponent("\(run).staging.sqlite")
        numbers = GemeenteNumbers(registered: municipalities)
        Self.remove(url)
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
                    CREATE TABLE snapshot (
                        person TEXT NOT NULL, line INTEGER NOT NULL, clean INTEGER NOT NULL, gemeente TEXT, content_hash TEXT,
                        housed INTEGER, bsn TEXT, vnummer TEXT, record BLOB);
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

    /// Writes the staged rows of one pass under their keys (`GemeenteNumbers.key`). Rows are
    /// written in runs of `runLength` per municipality, so an insert fills a page in turn instead of
    /// touching 342 pages one row each; rows without a record go at once.
    struct SnapshotWriter {
        static let runLength = 32
        private let insert: BoundStatement
        private let numbers: GemeenteNumbers
        /// The open run of each municipality, at its number: appended to in place.
        private var runs: [[StagedRow]] = []

        init(in db: Database, numbers: GemeenteNumbers) throws {
            insert = try BoundStatement(
                "INSERT INTO snapshot (rowid, person, line, clean, gemeente, content_hash, housed, bsn, vnummer, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                in: db)
            self.numbers = numbers
        }

        mutating func add(_ row: StagedRow) throws {
            guard let gemeente = row.gemeente, row.record != nil else { return try write(row) }
            let number = Int(numbers.number(of: gemeente))
            if number >= runs.count { runs.append(contentsOf: repeatElement([], count: number + 1 - runs.count)) }
            runs[number].append(row)
            guard runs[number].count >= Self.runLength else { return }
            for row in runs[number] { try write(row) }
            runs[number].removeAll(keepingCapacity: true)
        }

        /// Writes the runs still open (call once, after the last row).
        mutating func finish() throws {
            for run in runs {
                for row in run { try write(row) }
            }
            runs.removeAll()
        }

        private func write(_ row: StagedRow) throws {
            let key = numbers.key(row.gemeente, line: row.line)
            try insert.run { values in
                values.integer(key)
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
            let rows = try RowCursor(
                "SELECT rowid, person, line, clean, gemeente, content_hash FROM snapshot INDEXED BY snapshot_person ORDER BY person, line", in: db)
            return try body(
                {
                    guard try rows.next() else { return nil }
                    return SnapshotRow(
                        rowid: rows.integer(0), person: rows.text(1), line: Int(rows.integer(2)), isClean: rows.integer(3) != 0,
                        gemeente: rows.optionalText(4), contentHash: rows.optionalText(5))
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

    /// Records that the staged row `rowid` is sent, as a `wijziging` or else a `nieuw`.
    func addSending(rowid: Int64, isChange: Bool) {
        decisions.add(rowid: rowid, isChange: isChange)
    }

    /// Calls `body` for every decided notification, per municipality (by number) in file order: a
    /// withdrawal before the notification of the line that caused it, withdrawals of persons gone
    /// last. Reads the staged records once, in key order, beside the withdrawals in theirs.
    func forEachNotification(_ body: (Notification) throws -> Void) throws {
        try database.writeWithoutTransaction { db in
            try db.execute(sql: "CREATE INDEX IF NOT EXISTS notification_order ON notification (number, sequence)")
        }
        try database.read { db in
            let withdrawals = try RowCursor(
                "SELECT number, sequence, gemeente, soort, person, bsn, vnummer FROM notification INDEXED BY notification_order ORDER BY number, sequence",
                in: db)
            let staged = try RowCursor(
                "SELECT rowid, gemeente, person, record, content_hash, housed, bsn, vnummer FROM snapshot ORDER BY rowid", in: db)
            var found = 0
            /// The next staged row decided to be sent, with its kind; nil when none is left.
            func nextSending() throws -> (key: (Int64, Int64), kind: NotificationKind)? {
                guard found < decisions.count else { return nil }
                while try staged.next() {
                    let rowid = staged.integer(0)
                    if let isChange = decisions.isChange(rowid) {
                        found += 1
                        return (GemeenteNumbers.order(of: rowid), isChange ? .wijziging : .nieuw)
                    }
                }
                throw KetenpoortError(.syncRefused, "the scratch file lost a staged row")
            }
            var withdrawal = try withdrawals.next() ? (withdrawals.integer(0), withdrawals.integer(1)) : nil
            var sending = try nextSending()
            while withdrawal != nil || sending != nil {
                if let key = withdrawal, sending.map({ key < $0.key }) ?? true {
                    let gemeente = withdrawals.text(2)
                    try body(
                        Notification(
                            gemeente: gemeente, kind: try Self.kind(withdrawals.text(3)), person: withdrawals.text(4), addressee: gemeente,
                            record: nil,
                            contentHash: nil, isHoused: false, bsn: withdrawals.optionalText(5), vnummer: withdrawals.optionalText(6)))
                    withdrawal = try withdrawals.next() ? (withdrawals.integer(0), withdrawals.integer(1)) : nil
                } else if let (_, kind) = sending {
                    let gemeente = staged.text(1)
                    try body(
                        Notification(
                            gemeente: gemeente, kind: kind, person: staged.text(2), addressee: gemeente, record: staged.blob(3),
                            contentHash: staged.optionalText(4), isHoused: staged.integer(5) != 0, bsn: staged.optionalText(6),
                            vnummer: staged.optionalText(7)))
                    sending = try nextSending()
                }
            }
        }
    }
}
