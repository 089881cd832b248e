import Foundation
import GRDB
import KetenpoortCore
import Store

/// The status store's operations on one open transaction of its file.
struct SQLiteDuoStatusTransaction: DuoStatusWriting {
    let db: Database

    // Every IND answer reads the last extract and a status: both are prepared once per connection
    // and read column by column through SQLite's C interface (`RowCursor`), not through GRDB's `Row`.

    func lastDuoExtract() throws -> DuoExtractMark? {
        try RowCursor(cached: "SELECT \(Self.extractColumnList) FROM duo_extract ORDER BY sequence DESC LIMIT 1", in: db).first(Self.duoExtractMark)
            ?? nil
    }

    func duoStatus(bsn: String) throws -> DuoStatus? {
        try RowCursor(cached: Self.duoStatusByBSN, in: db) { $0.text(bsn) }.first(Self.duoStatus)
    }

    private static let duoStatusByBSN = "SELECT \(duoColumnList) FROM duo_status WHERE bsn = ?"

    func forEachDuoStatus(_ body: (DuoStatus) throws -> Void) throws {
        let rows = try RowCursor("SELECT \(Self.duoColumnList) FROM duo_status ORDER BY bsn", in: db)
        while try rows.next() { try body(Self.duoStatus(rows)) }
    }

    /// `duoColumns` as a select list, in that order: rows are read by position (the IND's answers
    /// read one per question; a lookup by name folds the case of every column name each time).
    static let duoColumnList = duoColumns.joined(separator: ", ")

    func duoStatusCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM duo_status") ?? 0
    }

    /// A row selected as `duoColumnList`.
    static func duoStatus(_ row: RowCursor) -> DuoStatus {
        DuoStatus(
            bsn: row.text(0), regime: row.text(1), doelgroep: row.text(2), plichtStart: row.optionalText(3), termijnEinde: row.optionalText(4),
            status: row.text(5), statusdatum: row.optionalText(6), leerroute: row.optionalText(7), leerrouteStart: row.optionalText(8),
            pipDatum: row.optionalText(9), pipInAzc: row.optionalBool(10), taalniveau: row.optionalText(11), aantalBoetes: Int(row.integer(12)),
            invorderingGepauzeerd: row.integer(13) != 0, gemeente: row.optionalText(14), geslacht: row.text(15), geboortedatum: row.text(16),
            landHerkomst: row.text(17), werkend: row.optionalBool(18), vervolgonderwijs: row.optionalBool(19))
    }

}

/// The write side: an extract replaces the whole state in the caller's transaction. Who is present
/// in the extract is tracked in a connection-local temporary table, so memory does not grow with it.
extension SQLiteDuoStatusTransaction {
    static let duoColumns = [
        "bsn", "regime", "doelgroep", "plicht_start", "termijn_einde", "status", "statusdatum", "leerroute", "leerroute_start", "pip_datum",
        "pip_in_azc", "taalniveau", "aantal_boetes", "invordering_gepauzeerd", "gemeente", "geslacht", "geboortedatum", "land_herkomst",
        "werkend", "vervolgonderwijs",
    ]

    /// Inserts a person, or updates one only when a value differs (so `changesCount` tells which).
    static let duoUpsert: String = {
        let values = duoColumns.dropFirst()
        return """
            INSERT INTO duo_status (\(duoColumns.joined(separator: ", "))) VALUES (\(duoColumns.map { _ in "?" }.joined(separator: ", ")))
            ON CONFLICT(bsn) DO UPDATE SET \(values.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
            WHERE \(values.map { "\($0) IS NOT excluded.\($0)" }.joined(separator: " OR "))
            """
    }()

    func duoExtract(sha256: String) throws -> DuoExtractMark? {
        try RowCursor(cached: "SELECT \(Self.extractColumnList) FROM duo_extract WHERE sha256 = ? ORDER BY sequence DESC LIMIT 1", in: db) {
            $0.text(sha256)
        }.first(Self.duoExtractMark) ?? nil
    }

    func beginDuoExtract() throws {
        try db.execute(sql: "CREATE TEMP TABLE IF NOT EXISTS duo_seen (bsn TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM temp.duo_seen")
    }

    func putDuoStatuses(_ statuses: [DuoStatus]) throws -> DuoStatusChanges {
        var changes = DuoStatusChanges()
        for status in statuses { changes.count(try put(status)) }
        return changes
    }

    /// One status: SQLite runs in the process, so a statement per person costs no round trip. Bound
    /// through SQLite's C interface (`BoundStatement`): an argument array of twenty existentials per
    /// person cost more than the three statements themselves.
    private func put(_ status: DuoStatus) throws -> DuoStatusChange {
        let existed = try RowCursor(cached: "SELECT 1 FROM duo_status WHERE bsn = ?", in: db) { $0.text(status.bsn) }.first { _ in true } != nil
        try BoundStatement(cached: Self.duoUpsert, in: db).run { row in
            row.text(status.bsn)
            row.text(status.regime)
            row.text(status.doelgroep)
            row.text(status.plichtStart)
            row.text(status.termijnEinde)
            row.text(status.status)
            row.text(status.statusdatum)
            row.text(status.leerroute)
            row.text(status.leerrouteStart)
            row.text(status.pipDatum)
            row.integer(status.pipInAzc.map { $0 ? 1 : 0 })
            row.text(status.taalniveau)
            row.integer(Int64(status.aantalBoetes))
            row.integer(status.invorderingGepauzeerd ? 1 : 0)
            row.text(status.gemeente)
            row.text(status.geslacht)
            row.text(status.geboortedatum)
            row.text(status.landHerkomst)
            row.integer(status.werkend.map { $0 ? 1 : 0 })
            row.integer(status.vervolgonderwijs.map { $0 ? 1 : 0 })
        }
        let written = db.changesCount > 0
        try BoundStatement(cached: "INSERT OR IGNORE INTO temp.duo_seen (bsn) VALUES (?)", in: db).run { $0.text(status.bsn) }
        return !existed ? .inserted : written ? .changed : .unchanged
    }

    func keepDuoStatus(bsn: String) throws -> Bool {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO temp.duo_seen (bsn) VALUES (?)").execute(arguments: [bsn])
        return try Bool.fetchOne(try db.cachedStatement(sql: "SELECT 1 FROM duo_status WHERE bsn = ?"), arguments: [bsn]) ?? false
    }

    func removeDuoStatusNotInExtract() throws -> Int {
        try db.execute(sql: "DELETE FROM duo_status WHERE bsn NOT IN (SELECT bsn FROM temp.duo_seen)")
        let removed = db.changesCount
        try db.execute(sql: "DELETE FROM temp.duo_seen")
        return removed
    }

    func recordDuoExtract(_ mark: DuoExtractMark, report: String) throws {
        try db.execute(
            sql: "INSERT INTO duo_extract (sequence, creation_date, file_name, sha256, records, applied_at, report) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [mark.sequence, mark.creationDate.iso, mark.fileName, mark.sha256, mark.records, mark.appliedAt.timeIntervalSince1970, report])
    }

    func duoExtractReport(sequence: Int) throws -> String? {
        try String.fetchOne(db, sql: "SELECT report FROM duo_extract WHERE sequence = ?", arguments: [sequence])
    }

    /// The columns of an extract mark, in the order `duoExtractMark` reads them.
    static let extractColumnList = "sequence, creation_date, file_name, sha256, records, applied_at"

    /// A row selected as `extractColumnList` (nil when its date is not a date).
    static func duoExtractMark(_ row: RowCursor) -> DuoExtractMark? {
        guard let date = SQLiteTransaction.date(row.text(1)) else { return nil }
        return DuoExtractMark(
            sequence: Int(row.integer(0)), creationDate: date, fileName: row.text(2), sha256: row.text(3), records: Int(row.integer(4)),
            appliedAt: Date(timeIntervalSince1970: row.double(5)))
    }
}
