import Foundation
import GRDB
import GRDBSQLite
import Store

/// A statement without results (an INSERT, a DELETE) bound through SQLite's C interface: a night
/// writes a million rows, and an argument array built for each row cost more than the write itself.
///
/// ```swift
/// let insert = try BoundStatement("INSERT INTO t (a, b) VALUES (?, ?)", in: db)
/// try insert.run { $0.text(name); $0.integer(line) }
/// ```
public struct BoundStatement {
    private let statement: Statement
    private let database: Database

    /// Prepares `sql` for one pass.
    public init(_ sql: String, in db: Database) throws {
        statement = try db.makeStatement(sql: sql)
        database = db
    }

    /// Uses the connection's cached statement for `sql` (for a write repeated across calls).
    public init(cached sql: String, in db: Database) throws {
        statement = try db.cachedStatement(sql: sql)
        database = db
    }

    /// Binds the row's values in parameter order and runs the statement.
    public func run(_ bind: (inout Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binder = Binder(handle: handle)
        bind(&binder)
        let code = sqlite3_step(handle)
        // No value bound without a copy (`borrowedBlob`) stays bound past this call.
        if binder.borrows { sqlite3_clear_bindings(handle) }
        guard code == SQLITE_DONE else { throw database.stepFailure(code) }
    }

    /// Binds the next parameter (SQLite copies each value: `SQLITE_TRANSIENT`, except `borrowedBlob`).
    public struct Binder {
        let handle: SQLiteStatement
        private var index: Int32 = 0
        /// Whether a value is bound without a copy: the bindings are cleared after the step.
        fileprivate var borrows = false
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

        init(handle: SQLiteStatement) { self.handle = handle }

        public mutating func text(_ value: String?) {
            index += 1
            guard var value else {
                sqlite3_bind_null(handle, index)
                return
            }
            value.withUTF8 { bytes in
                // An empty buffer may have no address, which SQLite would read as NULL.
                let start = bytes.baseAddress.map(UnsafeRawPointer.init) ?? UnsafeRawPointer(("" as StaticString).utf8Start)
                sqlite3_bind_text(handle, index, start.assumingMemoryBound(to: CChar.self), Int32(bytes.count), Self.transient)
            }
        }

        public mutating func integer(_ value: Int64?) {
            index += 1
            if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
        }

        /// Binds the bytes (an empty value as an empty blob, nil as NULL).
        public mutating func blob<Bytes: ContiguousBytes>(_ value: Bytes?) {
            index += 1
            guard let value else {
                sqlite3_bind_null(handle, index)
                return
            }
            value.withUnsafeBytes { bytes in
                if bytes.isEmpty {
                    sqlite3_bind_zeroblob(handle, index, 0)
                } else {
                    sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
                }
            }
        }

        /// Binds `bytes` without copying them (`SQLITE_STATIC`): for a large value — a payload's
        /// megabyte part — whose memory outlives the `run` it is bound in.
        public mutating func borrowedBlob(_ bytes: UnsafeRawBufferPointer) {
            index += 1
            guard let base = bytes.baseAddress, !bytes.isEmpty else {
                sqlite3_bind_zeroblob(handle, index, 0)
                return
            }
            sqlite3_bind_blob(handle, index, base, Int32(bytes.count), nil)
            borrows = true
        }
    }
}

extension Database {
    /// The error of a failed `sqlite3_step` on this connection (for `BoundStatement`, `RowCursor`).
    func stepFailure(_ code: Int32) -> DatabaseError {
        DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqliteConnection)))
    }
}
