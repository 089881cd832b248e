import Foundation
import KetenpoortCore
import Store

/// The store's operations on one open PostgreSQL transaction, one file per aggregate.
struct PostgresTransaction: StoreTransaction {
    let connection: PostgresConnection
    /// The test clock claims and leases run by; nil for the database's own.
    let clock: (any WallClock)?
    /// Sent states put and not yet written (`flush()` writes them).
    let pendingSent = PendingSentStates()

    /// Writes what the transaction holds back; the store calls it before the commit.
    func flush() throws { try pendingSent.flush(on: connection) }

    /// The moment claims and leases are measured at, as a parameter for `nowSQL`.
    var now: Date? { clock?.now() }

    /// SQL for "now" given the `now` parameter at `$index`: the test clock's instant, or the
    /// database's clock when there is none.
    static func nowSQL(_ index: Int) -> String { "coalesce($\(index)::timestamptz, statement_timestamp())" }

    @discardableResult
    func query(_ sql: String, _ parameters: [any PostgresEncodable] = [], binaryResult: Bool = false) throws -> PostgresRows {
        try connection.query(sql, parameters, binaryResult: binaryResult)
    }

    /// Streams the rows of `sql` in pages through a cursor of this transaction, so a scan of the
    /// whole sent state (a night) or the audit chain holds one page in memory.
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
}
