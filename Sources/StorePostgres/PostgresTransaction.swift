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

    /// Streams the rows of `sql` in pages (`PostgresConnection.forEachRow`).
    func forEachRow(_ sql: String, _ parameters: [any PostgresEncodable] = [], _ body: (PostgresRow) throws -> Void) throws {
        try connection.forEachRow(sql, parameters, body)
    }
}
