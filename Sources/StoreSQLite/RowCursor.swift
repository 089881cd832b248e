import Foundation
import GRDB
import GRDBSQLite
import Store

/// A query's rows read through SQLite's C interface, column by index: a night reads a million
/// rows, and decoding each through GRDB's `Row` cost more than the read itself. The counterpart
/// of `BoundStatement`; valid only inside the transaction (or read) that made it.
///
/// ```swift
/// let rows = try RowCursor("SELECT name, line FROM t ORDER BY line", in: db)
/// while try rows.next() { names.append(rows.text(0)); lines.append(rows.integer(1)) }
/// ```
public struct RowCursor {
    private let statement: Statement
    private let database: Database

    /// Prepares `sql` (no arguments) for one pass.
    public init(_ sql: String, in db: Database) throws {
        statement = try db.makeStatement(sql: sql)
        database = db
        sqlite3_reset(statement.sqliteStatement)
    }

    /// Uses the connection's cached statement for `sql` (a query repeated across calls), its
    /// parameters bound by `bind` in order.
    public init(cached sql: String, in db: Database, bind: (inout BoundStatement.Binder) -> Void = { _ in }) throws {
        statement = try db.cachedStatement(sql: sql)
        database = db
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binder = BoundStatement.Binder(handle: handle)
        bind(&binder)
    }

    /// The first row read by `read`, nil when there is none. The statement is reset afterwards, so
    /// it holds no read snapshot open after the call.
    public func first<T>(_ read: (RowCursor) -> T) throws -> T? {
        defer { sqlite3_reset(statement.sqliteStatement) }
        return try next() ? read(self) : nil
    }

    /// Steps to the next row; false when there is none.
    public func next() throws -> Bool {
        let code = sqlite3_step(statement.sqliteStatement)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw database.stepFailure(code)
        }
    }

    /// Whether column `index` of the current row is NULL.
    public func isNull(_ index: Int32) -> Bool {
        sqlite3_column_type(statement.sqliteStatement, index) == SQLITE_NULL
    }

    /// Column `index` as text (empty for NULL).
    public func text(_ index: Int32) -> String {
        let handle = statement.sqliteStatement
        guard let start = sqlite3_column_text(handle, index) else { return "" }
        let count = Int(sqlite3_column_bytes(handle, index))
        return String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
    }

    /// Column `index` as text, nil for NULL.
    public func optionalText(_ index: Int32) -> String? {
        isNull(index) ? nil : text(index)
    }

    /// Column `index` as an integer (0 for NULL).
    public func integer(_ index: Int32) -> Int64 {
        sqlite3_column_int64(statement.sqliteStatement, index)
    }

    /// Column `index` as a flag (non-zero), nil for NULL.
    public func optionalBool(_ index: Int32) -> Bool? {
        isNull(index) ? nil : integer(index) != 0
    }

    /// Column `index` as a floating-point number (0 for NULL).
    public func double(_ index: Int32) -> Double {
        sqlite3_column_double(statement.sqliteStatement, index)
    }

    /// Column `index` as `Data`, nil for NULL.
    public func data(_ index: Int32) -> Data? {
        let handle = statement.sqliteStatement
        guard !isNull(index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let start = sqlite3_column_blob(handle, index) else { return Data() }
        return Data(bytes: start, count: count)
    }

    /// Column `index` as bytes, nil for NULL.
    public func blob(_ index: Int32) -> [UInt8]? {
        let handle = statement.sqliteStatement
        guard !isNull(index) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, index))
        guard count > 0, let start = sqlite3_column_blob(handle, index) else { return [] }
        return [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    }
}
