import Foundation
import Testing

@testable import StoreSQLite

@Suite("SQLite store durability")
struct DurabilityTests {
    @Test("every file of the store commits with a full sync: the store, the processing log, the DUO status")
    func fullSync() throws {
        let settings = try SQLiteStoreTests.withStore { store, _ in
            try [store.queue, store.log.pool, store.status.pool].map(DurablePool.synchronous(of:))
        }
        #expect(settings == [2, 2, 2])
    }
}
