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

    @Test("a write without its own flush commits with synchronous = NORMAL, and the writer is back at FULL after it, also when it failed")
    func unflushedWrite() throws {
        struct Refused: Error {}
        let settings = try SQLiteStoreTests.withStore { store, _ in
            let during = try store.writeUnflushed { tx in try Int.fetchOne((tx as! SQLiteTransaction).db, sql: "PRAGMA synchronous") ?? -1 }
            let afterCommit = try DurablePool.synchronous(of: store.queue)
            #expect(throws: Refused.self) { try store.writeUnflushed { _ in throw Refused() } }
            return [during, afterCommit, try DurablePool.synchronous(of: store.queue)]
        }
        #expect(settings == [1, 2, 2])
    }
}
