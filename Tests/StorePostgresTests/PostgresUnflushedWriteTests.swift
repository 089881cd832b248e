import Foundation
import Store
import Testing

@testable import StorePostgres

/// `writeUnflushed` (the delivery's claims): its one transaction commits without waiting for its
/// WAL flush; every other transaction on the same connection still waits for it.
@Suite("PostgreSQL unflushed writes")
struct PostgresUnflushedWriteTests {
    /// `synchronous_commit` as a transaction on `store` sees it.
    static func synchronousCommit(in tx: any StoreTransaction) throws -> String? {
        let transaction = try #require(tx as? PostgresTransaction)
        return try transaction.query("SHOW synchronous_commit").rowsAsText.first?.first ?? nil
    }

    /// The setting inside `writeUnflushed`, then inside a `write` on the same (only) connection.
    static func settings(on store: PostgresStore) throws -> (unflushed: String?, after: String?) {
        let unflushed = try store.writeUnflushed { tx in try synchronousCommit(in: tx) }
        let after = try store.write { tx in try synchronousCommit(in: tx) }
        return (unflushed, after)
    }

    @Test("writeUnflushed runs with synchronous_commit off for its own transaction only; the next write on that connection flushes again")
    func offForItsTransactionOnly() async throws {
        try await PostgresRenewalTests.withStore { store, _, _ in
            let settings = try Self.settings(on: store)
            #expect(settings.unflushed == "off")
            #expect(settings.after == "on")
        }
    }
}
