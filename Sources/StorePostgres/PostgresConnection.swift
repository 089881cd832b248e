import CLibPQ
import Foundation
import KetenpoortCore
import Store

/// One connection to PostgreSQL through libpq. Blocking: the engine uses each connection on one of
/// its own threads at a time, never on Swift's cooperative pool.
///
/// `@unchecked Sendable`: it moves to the engine thread that owns it and is used there only.
///
/// Parameters travel as text (`$1`, `$2`, … in the statement), bytes as they are, bound from where
/// they lie; results as text unless asked in binary. Errors carry the
/// server's SQLSTATE and the names of the table, column and constraint involved — never its
/// message or DETAIL, which can quote a value (`invalid input syntax for type integer: "…"`).
final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    /// Session settings, made on connecting and again after each reconnection.
    private let setup: String
    /// The statements prepared on this session, by text: their names (`kp_1`, `kp_2`, …).
    private var prepared: [String: String] = [:]

    /// Connects with `conninfo` (libpq's `key=value` or `postgresql://` form) and, when given,
    /// `password` (kept out of the connection string, which may be logged); throws
    /// `store.unavailable` naming libpq's reason when the server cannot be reached.
    init(conninfo: String, password: String? = nil, setup: String = "") throws {
        var keywords = ["dbname"]
        var values = [conninfo]
        if let password {
            keywords.append("password")
            values.append(password)
        }
        let connection = Self.withCStrings(keywords) { keywords in
            Self.withCStrings(values) { values in PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw KetenpoortError(.storeUnavailable, "PostgreSQL: libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw KetenpoortError(.storeUnavailable, "PostgreSQL cannot be reached: \(reason)")
        }
        self.connection = connection
        self.setup = setup
        if !setup.isEmpty { try execute(script: setup) }
    }

    /// `strings` as a NULL-terminated array of C strings, valid during `body`.
    private static func withCStrings<T>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> T) -> T {
        let copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        let pointers = copies.map { UnsafePointer<CChar>($0) } + [nil]
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    deinit { PQfinish(connection) }

    /// Connects again when the connection was lost (the server restarted, a network break): a node
    /// outlives its database's restarts. Throws `store.unavailable` while the server stays away.
    /// Returns whether it reconnected.
    @discardableResult
    func reconnectIfLost() throws -> Bool {
        guard PQstatus(connection) != CONNECTION_OK else { return false }
        PQreset(connection)
        prepared = [:]
        guard PQstatus(connection) == CONNECTION_OK else { throw lost() }
        if !setup.isEmpty { try execute(script: setup) }
        return true
    }

    /// Connects again when the server has closed this idle connection (a restart): reads what the
    /// socket holds without waiting, which shows the server's goodbye and the closed socket.
    func reconnectIfClosedByServer() throws {
        for _ in 0..<2 where PQstatus(connection) == CONNECTION_OK {
            guard PQconsumeInput(connection) == 1 else { break }
            while let notice = PQnotifies(connection) { PQfreemem(notice) }
        }
        try reconnectIfLost()
    }

    /// Runs `body` — statements in autocommit, each committed by the server as it ends — after
    /// connecting again when the server has closed the connection. A read (`isIdempotent`) that
    /// fails on a connection lost on the way is run once more after reconnecting; a write is not
    /// (it may have committed).
    func statement<T>(isIdempotent: Bool, _ body: (PostgresConnection) throws -> T) throws -> T {
        try reconnectIfClosedByServer()
        do {
            return try body(self)
        } catch {
            guard isIdempotent, try reconnectIfLost() else { throw error }
            return try body(self)
        }
    }

    /// Runs `sql` with `parameters` (`$1`, `$2`, …) and returns its rows (none for a statement
    /// that returns none). With `binaryResult`, every column comes back in PostgreSQL's binary
    /// form: for a `bytea` that is its bytes, not their hex.
    /// With `prepare`, the statement is parsed and planned once per session and then only executed:
    /// for the fixed texts of the real-time path, which run thousands of times a second.
    @discardableResult
    func query(_ sql: String, _ parameters: [any PostgresEncodable] = [], binaryResult: Bool = false, prepare: Bool = false) throws
        -> PostgresRows
    {
        let result = try run(sql, parameters.map(\.postgresValue), binaryResult: binaryResult, prepare: prepare)
        defer { PQclear(result) }
        let columns = Int(PQnfields(result))
        let count = Int(PQntuples(result))
        var cells: [Data?] = []
        cells.reserveCapacity(count * columns)
        for row in 0..<Int32(count) {
            for column in 0..<Int32(columns) {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let length = Int(PQgetlength(result, row, column))
                    cells.append(PQgetvalue(result, row, column).map { Data(bytes: $0, count: length) } ?? Data())
                }
            }
        }
        let names = (0..<Int32(columns)).map { String(cString: PQfname(result, $0)) }
        return PostgresRows(
            columns: names, cells: cells, isBinary: binaryResult, affected: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    /// Runs `sql` and calls `body` with the bytes of its first row's first column where libpq holds
    /// them (empty for NULL), valid during the call — for a payload part read straight into the
    /// caller's buffer; nil when it returns no row.
    func withFirstValue<T>(
        _ sql: String, _ parameters: [any PostgresEncodable] = [], binaryResult: Bool = true, _ body: (UnsafeRawBufferPointer) throws -> T
    ) throws -> T? {
        let result = try run(sql, parameters.map(\.postgresValue), binaryResult: binaryResult)
        defer { PQclear(result) }
        guard PQntuples(result) > 0, PQnfields(result) > 0 else { return nil }
        guard PQgetisnull(result, 0, 0) == 0, let value = PQgetvalue(result, 0, 0) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: value, count: Int(PQgetlength(result, 0, 0))))
    }

    /// Streams the rows of `sql` in pages of `page` through a cursor of the open transaction, so a
    /// scan of a whole table (a night's sent state, the audit chain, the DUO status store) holds one
    /// page in memory.
    func forEachRow(_ sql: String, _ parameters: [any PostgresEncodable] = [], page: Int = 5_000, _ body: (PostgresRow) throws -> Void)
        throws
    {
        let name = "kp_cursor_\(UInt32.random(in: 0...UInt32.max))"
        try query("DECLARE \(name) NO SCROLL CURSOR FOR \(sql)", parameters)
        defer { _ = try? query("CLOSE \(name)") }
        while true {
            let rows = try query("FETCH \(page) FROM \(name)")
            for index in 0..<rows.count { try body(rows[index]) }
            if rows.count < page { return }
        }
    }

    /// Runs `sql` (several statements, no parameters): migrations and session settings.
    func execute(script sql: String) throws {
        guard let result = PQexec(connection, sql) else { throw lost() }
        defer { PQclear(result) }
        try check(result)
    }

    /// The name of `sql` prepared on this session, preparing it first when needed.
    private func preparedName(_ sql: String, parameters: Int) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "kp_\(prepared.count + 1)"
        guard let result = PQprepare(connection, name, sql, Int32(parameters), nil) else { throw lost() }
        defer { PQclear(result) }
        try check(result)
        prepared[sql] = name
        return name
    }

    private func run(_ sql: String, _ parameters: [PostgresValue], binaryResult: Bool, prepare: Bool = false) throws -> OpaquePointer {
        let name = prepare ? try preparedName(sql, parameters: parameters.count) : nil
        // Text parameters in the text format, bytes as they are (format 1).
        let lengths = parameters.map { parameter -> Int32 in
            if case .bytes(let bytes) = parameter { return Int32(bytes.count) }
            return 0
        }
        let formats = parameters.map { parameter -> Int32 in
            if case .bytes = parameter { return 1 }
            return 0
        }
        var values: [UnsafePointer<CChar>?] = []
        values.reserveCapacity(parameters.count)
        let result = Self.withValuePointers(parameters[...], &values) { values in
            if let name {
                PQexecPrepared(connection, name, Int32(parameters.count), values, lengths, formats, binaryResult ? 1 : 0)
            } else {
                PQexecParams(connection, sql, Int32(parameters.count), nil, values, lengths, formats, binaryResult ? 1 : 0)
            }
        }
        guard let result else { throw lost() }
        do { try check(result) } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    /// Calls `body` with a pointer to each parameter's value where it lies — a text's C string, a
    /// `bytea`'s bytes (a payload part is a megabyte: no copy of it) — valid during the call.
    private static func withValuePointers<T>(
        _ parameters: ArraySlice<PostgresValue>, _ values: inout [UnsafePointer<CChar>?], _ body: ([UnsafePointer<CChar>?]) -> T
    ) -> T {
        guard let parameter = parameters.first else { return body(values) }
        let rest = parameters.dropFirst()
        switch parameter {
        case .null:
            values.append(nil)
            return withValuePointers(rest, &values, body)
        case .text(let text):
            return text.withCString { text in
                values.append(text)
                return withValuePointers(rest, &values, body)
            }
        case .bytes(let bytes):
            // An empty `bytea` still needs a pointer: libpq reads a null one as SQL NULL.
            guard !bytes.isEmpty else {
                return "".withCString { empty in
                    values.append(empty)
                    return withValuePointers(rest, &values, body)
                }
            }
            return bytes.withUnsafeBytes { bytes in
                values.append(bytes.baseAddress!.assumingMemoryBound(to: CChar.self))
                return withValuePointers(rest, &values, body)
            }
        }
    }

    private func check(_ result: OpaquePointer) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default:
            // The server went away (a restart, a broken network): the store is unavailable, not wrong.
            if PQstatus(connection) == CONNECTION_BAD { throw lost() }
            func field(_ code: Character) -> String? { PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) } }
            throw PostgresError(
                sqlState: field("C") ?? "", table: field("t"), column: field("c"), constraint: field("n"))
        }
    }

    /// The connection is gone. libpq's reason names the connection's trouble; a server error text
    /// it may still hold (`ERROR: … "<value>"`) is never passed on.
    private func lost() -> KetenpoortError {
        let reason = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
        let quotesServer = reason.contains("ERROR") || reason.contains("DETAIL") || reason.contains("\"")
        return KetenpoortError(.storeUnavailable, "PostgreSQL: " + (quotesServer || reason.isEmpty ? "the connection was lost" : reason))
    }
}

/// An error the server reported: its SQLSTATE (`23505` unique violation, `40001` serialisation
/// failure, …) and what it names — table, column, constraint — never a value.
struct PostgresError: Error, CustomStringConvertible {
    let sqlState: String
    let table: String?
    let column: String?
    let constraint: String?

    var description: String {
        let names = [table.map { "table \($0)" }, column.map { "column \($0)" }, constraint.map { "constraint \($0)" }].compactMap { $0 }
        return "PostgreSQL error \(sqlState)" + (names.isEmpty ? "" : " (" + names.joined(separator: ", ") + ")")
    }
}
