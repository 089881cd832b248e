import Foundation
import KetenpoortCore

/// The rows a statement returned: each cell as the bytes libpq gave (text form, or binary when
/// asked), nil for SQL NULL. Read a row's columns by name, typed: `try rows[0]["id"] as BatchID`.
struct PostgresRows {
    let columns: [String]
    let cells: [Data?]
    /// Whether the cells are in binary form.
    let isBinary: Bool
    /// The rows the statement inserted, changed or deleted.
    let affected: Int

    var count: Int { columns.isEmpty ? 0 : cells.count / columns.count }
    var isEmpty: Bool { count == 0 }

    subscript(row: Int) -> PostgresRow { PostgresRow(rows: self, index: row) }

    /// Each row read by `read`.
    func map<T>(_ read: (PostgresRow) throws -> T) throws -> [T] { try (0..<count).map { try read(self[$0]) } }

    /// The first row read by `read`; nil when there is none.
    func first<T>(_ read: (PostgresRow) throws -> T) throws -> T? { isEmpty ? nil : try read(self[0]) }

    /// The texts of rows, one column each (`SELECT id FROM …`).
    var rowsAsText: [[String?]] {
        (0..<count).map { row in
            (0..<columns.count).map { column in cells[row * columns.count + column].map { String(decoding: $0, as: UTF8.self) } }
        }
    }
}

/// One row of `PostgresRows`.
struct PostgresRow {
    let rows: PostgresRows
    let index: Int

    /// The cell of `column` (nil for NULL); throws when the statement returned no such column.
    func cell(_ column: String) throws -> Data? {
        guard let position = rows.columns.firstIndex(of: column) else {
            throw KetenpoortError(.storeUnavailable, "PostgreSQL: the result has no column \(column)")
        }
        return rows.cells[index * rows.columns.count + position]
    }

    /// Column `column` decoded as `T` (an optional type reads NULL as nil).
    subscript<T: PostgresDecodable>(_ column: String) -> T {
        get throws {
            guard let value = try T.decode(try cell(column), binary: rows.isBinary) else {
                throw KetenpoortError(.storeUnavailable, "PostgreSQL: column \(column) does not hold a \(T.self)")
            }
            return value
        }
    }
}

/// A Swift value read from a result cell.
protocol PostgresDecodable {
    /// The value of `cell` (nil for NULL); nil when the cell does not hold one.
    static func decode(_ cell: Data?, binary: Bool) -> Self?
}

extension PostgresDecodable {
    fileprivate static func text(_ cell: Data?) -> String? { cell.map { String(decoding: $0, as: UTF8.self) } }
}

extension String: PostgresDecodable { static func decode(_ cell: Data?, binary: Bool) -> String? { text(cell) } }
extension Int: PostgresDecodable { static func decode(_ cell: Data?, binary: Bool) -> Int? { text(cell).flatMap { Int($0) } } }
extension Bool: PostgresDecodable {
    static func decode(_ cell: Data?, binary: Bool) -> Bool? {
        switch text(cell) {
        case "t": true
        case "f": false
        default: nil
        }
    }
}
extension Date: PostgresDecodable { static func decode(_ cell: Data?, binary: Bool) -> Date? { text(cell).flatMap(PostgresTime.date) } }
extension CalendarDate: PostgresDecodable {
    static func decode(_ cell: Data?, binary: Bool) -> CalendarDate? {
        guard let parts = text(cell)?.split(separator: "-").compactMap({ Int($0) }), parts.count == 3 else { return nil }
        return CalendarDate(year: parts[0], month: parts[1], day: parts[2])
    }
}
extension BatchID: PostgresDecodable { static func decode(_ cell: Data?, binary: Bool) -> BatchID? { text(cell).map(BatchID.init) } }
extension RunID: PostgresDecodable { static func decode(_ cell: Data?, binary: Bool) -> RunID? { text(cell).map(RunID.init) } }
extension Data: PostgresDecodable {
    /// A `bytea`: its bytes in binary form, `\x…` hex in text form.
    static func decode(_ cell: Data?, binary: Bool) -> Data? {
        guard let cell else { return nil }
        if binary { return cell }
        guard cell.count >= 2, cell.first == UInt8(ascii: "\\"), cell[cell.startIndex + 1] == UInt8(ascii: "x") else { return nil }
        return Hex.decode(String(decoding: cell.dropFirst(2), as: UTF8.self))
    }
}
extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    static func decode(_ cell: Data?, binary: Bool) -> Wrapped?? {
        guard let cell else { return .some(nil) }
        return Wrapped.decode(cell, binary: binary).map { .some($0) }
    }
}
