import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import StorePostgres

/// libpq against a real PostgreSQL 15 server of the test's own.
@Suite("PostgreSQL connection", .serialized)
struct PostgresConnectionTests {
    @Test("parameters and results travel as text, NULL as nil; a server error carries SQLSTATE and names, never a value it was given")
    func roundTrip() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let connection = try PostgresConnection(conninfo: database.owner)
        try connection.execute(script: "CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER, note TEXT)")
        let inserted = try connection.query(
            "INSERT INTO t (id, n, note) VALUES ($1, $2, $3), ($4, $5, $6)", ["a", "1", String?.none, "b", "2", "x'y"])
        #expect(inserted.affected == 2)
        let rows = try connection.query("SELECT id, n, note FROM t ORDER BY id")
        #expect(rows.columns == ["id", "n", "note"])
        #expect(rows.rowsAsText == [["a", "1", nil], ["b", "2", "x'y"]])
        let duplicate = #expect(throws: PostgresError.self) {
            try connection.query("INSERT INTO t (id) VALUES ($1)", ["123456782"])
            try connection.query("INSERT INTO t (id) VALUES ($1)", ["123456782"])
        }
        #expect(duplicate?.sqlState == "23505")
        #expect(duplicate?.constraint == "t_pkey")
        #expect(duplicate.map { !"\($0)".contains("123456782") } == true, "no value of the row in the error")
        // The server's own message quotes the value here; the error must not.
        let badNumber = #expect(throws: PostgresError.self) { try connection.query("INSERT INTO t (id, n) VALUES ($1, $2)", ["c", "123456782x"]) }
        #expect(badNumber?.sqlState == "22P02")
        #expect(badNumber.map { !"\($0)".contains("123456782") } == true, "no value of the row in the error")
    }

    @Test(
        "bytes travel as they are, from where they lie: every byte value, a zero byte included, and an empty value that is not NULL; the first value read back, nil without a row"
    )
    func bytesInPlace() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let connection = try PostgresConnection(conninfo: database.owner)
        try connection.execute(script: "CREATE TABLE b (id TEXT PRIMARY KEY, bytes BYTEA)")
        let every = Data((0..<512).map { UInt8(truncatingIfNeeded: $0) })
        try connection.query("INSERT INTO b (id, bytes) VALUES ($1, $2), ($3, $4), ($5, $6)", ["every", every, "empty", Data(), "none", Data?.none])
        let lengths = try connection.query("SELECT id, octet_length(bytes) AS n, bytes IS NULL AS missing FROM b ORDER BY id")
        #expect(lengths.rowsAsText == [["empty", "0", "f"], ["every", "512", "f"], ["none", nil, "t"]])
        let read = { (id: String) in try connection.withFirstValue("SELECT bytes FROM b WHERE id = $1", [id]) { Data($0) } }
        #expect(try read("every") == every)
        #expect(try read("empty") == Data())
        #expect(try read("nobody") == nil, "no row")
    }

    @Test("a text array parameter reaches the server value for value: quotes, backslashes, commas, braces, NULL and the text NULL, empty, non-ASCII")
    func textArray() async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let connection = try PostgresConnection(conninfo: database.owner)
        let values: [String?] = [
            "plain", #"a "quoted" word"#, #"back\slash\"#, "a,b", "{braces}", nil, "NULL", "", " spaced ", "Zoë 's-Gravenhage", "\u{1F1F3}\u{1F1F1}",
            "line\nbreak",
        ]
        let rows = try connection.query("SELECT v FROM unnest($1::text[]) WITH ORDINALITY AS u(v, n) ORDER BY n", [PostgresArray.text(values)])
        #expect(rows.rowsAsText.map { $0[0] } == values)
    }

    @Test("a server that is not there is store.unavailable")
    func unreachable() throws {
        let port = try LoopbackPort.free()
        #expect(throws: KetenpoortError(.storeUnavailable, "")) {
            _ = try PostgresConnection(conninfo: "host=127.0.0.1 port=\(port) user=postgres connect_timeout=2")
        }
    }
}
