import Foundation
import GRDB
import Store

extension SQLiteTransaction {
    /// A temporary table of this connection (temporary storage goes to a file once SQLite's page
    /// cache for it is full) sorted by SQLite's external merge sort, which also spills to disk:
    /// memory stays at a few MiB whatever the number of strings. BLOBs compare as `memcmp`, then
    /// by length.
    func sortOnDisk(_ fill: (_ add: (Data) throws -> Void) throws -> Void, sorted: (Data) throws -> Void) throws {
        try db.execute(sql: "CREATE TEMP TABLE disk_sort (bytes BLOB NOT NULL)")
        defer { try? db.execute(sql: "DROP TABLE temp.disk_sort") }
        // Bound and read through SQLite's C interface: a CBS delivery sorts a line per person.
        let insert = try BoundStatement("INSERT INTO temp.disk_sort (bytes) VALUES (?)", in: db)
        try fill { bytes in try insert.run { $0.blob(bytes) } }
        let rows = try RowCursor("SELECT bytes FROM temp.disk_sort ORDER BY bytes", in: db)
        while try rows.next() {
            guard let bytes = rows.data(0) else { continue }
            try sorted(bytes)
        }
    }
}
