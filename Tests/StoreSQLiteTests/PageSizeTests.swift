import Foundation
import GRDB
import KetenpoortCore
import Testing

@testable import StoreSQLite

@Suite("SQLite store page size")
struct PageSizeTests {
    private static func pageSize(_ pool: DatabasePool) throws -> Int {
        try pool.read { db in try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 0 }
    }

    @Test("a new store file has pages of 16 KiB; the processing log and the DUO status store keep 4 KiB")
    func newStore() throws {
        let sizes = try SQLiteStoreTests.withStore { store, _ in
            try [store.queue, store.log.pool, store.status.pool].map(Self.pageSize)
        }
        #expect(sizes == [16_384, 4_096, 4_096])
    }

    @Test("a store file made with 4 KiB pages keeps them, migrates and takes writes")
    func existingStore() throws {
        try SQLiteStoreTests.withStorePath { path in
            // As a store of an earlier version left it: WAL, SQLite's default page size.
            try DatabaseQueue(path: path).writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA page_size = 4096; PRAGMA journal_mode = WAL; CREATE TABLE earlier (x INTEGER)")
            }
            let store = try SQLiteStore(path: path)
            try store.write { tx in
                try tx.acceptSnapshot(
                    SnapshotMark(source: "coa", date: SQLiteStoreTests.day, run: "r1", acceptedAt: Date(timeIntervalSince1970: 1), items: 3))
            }
            #expect(try Self.pageSize(store.queue) == 4_096)
            #expect(try store.read { tx in try tx.lastSnapshot(source: "coa") }?.run == "r1")
        }
    }
}
