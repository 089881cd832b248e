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
        let insert = try db.makeStatement(sql: "INSERT INTO temp.disk_sort (bytes) VALUES (?)")
        try fill { bytes in try insert.execute(arguments: [bytes]) }
        let cursor = try Row.fetchCursor(db, sql: "SELECT bytes FROM temp.disk_sort ORDER BY bytes")
        while let row = try cursor.next() {
            guard let bytes = row.dataNoCopy(atIndex: 0) else { continue }
            try sorted(bytes)
        }
    }
}
