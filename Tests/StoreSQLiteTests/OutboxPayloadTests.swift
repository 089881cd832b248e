import Foundation
import GRDB
import KetenpoortCore
import Testing

@testable import Store
@testable import StoreSQLite

@Suite("Outbox payloads in parts")
struct OutboxPayloadTests {
    static func batch(_ id: BatchID, bytes: Int) -> OutboxBatch {
        OutboxBatch(
            id: id, recipient: "cbs", recipientOIN: "00000001003214370000", contract: "cbs-levering", contentType: "text/csv",
            createdAt: Date(timeIntervalSince1970: 100), recordCount: 1, merkleRoot: "ab", recordHashes: [], payloadBytes: bytes, signature: "h..s")
    }

    /// Bytes that differ at every position of a part, so a part out of place shows.
    static func bytes(_ count: Int) -> Data { Data((0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }) }

    @Test("a payload larger than a part is kept in parts and read back exactly, whole or part by part")
    func parts() throws {
        try SQLiteStoreTests.withStore { store, _ in
            let size = OutboxBatch.payloadPartSize
            let payload = Self.bytes(2 * size + 12_345)
            try store.write { try $0.insertBatch(Self.batch("big", bytes: payload.count), payload: payload) }
            #expect(try store.read { try $0.payload(of: "big") } == payload)
            var sizes: [Int] = []
            try store.read { tx in try tx.forEachPayloadPart(of: "big") { sizes.append($0.count) } }
            #expect(sizes == [size, size, 12_345])
            #expect(try store.read { try $0.payloadPart(batch: "big", part: 3) } == nil)
            #expect(try store.read { try $0.schedule(status: .pending) }.first?.bytes == payload.count)
            // An empty payload still has its one (empty) part.
            try store.write { try $0.insertBatch(Self.batch("empty", bytes: 0), payload: Data()) }
            #expect(try store.read { try $0.payload(of: "empty") }.isEmpty)
        }
    }

    @Test("PayloadWriter cuts what it is given at part boundaries, whatever the sizes written")
    func writer() throws {
        try SQLiteStoreTests.withStore { store, _ in
            let payload = Self.bytes(OutboxBatch.payloadPartSize + 1000)
            var written = 0
            try store.write { tx in
                var writer = PayloadWriter(batch: "w", in: tx)
                var offset = 0
                var step = 1
                while offset < payload.count {
                    let end = min(payload.count, offset + step)
                    try writer.write(Data(payload[offset..<end]))
                    offset = end
                    step = step * 7 % 100_003 + 1
                }
                try writer.finish()
                written = writer.bytes
                try tx.insertBatch(Self.batch("w", bytes: writer.bytes))
            }
            #expect(written == payload.count)
            #expect(try store.read { try $0.payload(of: "w") } == payload)
        }
    }

    @Test(
        "sortBytes (on disk here, in memory on an engine without the capability) gives back every string in byte order, duplicates included, and leaves nothing behind"
    )
    func diskSort() throws {
        try SQLiteStoreTests.withStore { store, _ in
            var generator = SystemRandomNumberGenerator()
            let strings = (0..<5_000).map { _ in
                Data((0..<Int.random(in: 0...6, using: &generator)).map { _ in UInt8.random(in: 0...3, using: &generator) })
            }
            var sorted: [Data] = []
            try store.write { tx in
                #expect(tx is any DiskSortingTransaction)
                try tx.sortBytes({ add in for string in strings { try add(string) } }, sorted: { sorted.append(Data($0)) })
            }
            let expected = strings.sorted { $0.lexicographicallyPrecedes($1) }
            #expect(sorted == expected)
            var inMemory: [Data] = []
            try sortInMemory({ add in for string in strings { try add(string) } }, sorted: { inMemory.append($0) })
            #expect(inMemory == expected)
            // Twice in one connection: the scratch table is gone after each.
            try store.write { tx in try tx.sortBytes({ add in try add(Data([1])) }, sorted: { _ in }) }
        }
    }

    @Test("a deleted payload is zeroed in the database file, not merely freed")
    func deletedIsZeroed() throws {
        try SQLiteStoreTests.withStore { store, path in
            let marker = Data("MARKER-HEALTH-NOTE-7f3a".utf8)
            let payload = Data((0..<40_000).flatMap { _ in marker })
            func truncateLog() throws { try store.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
            func fileHoldsMarker() throws -> Bool { try Data(contentsOf: URL(fileURLWithPath: path)).range(of: marker) != nil }
            try store.write { try $0.insertBatch(Self.batch("secret", bytes: payload.count), payload: payload) }
            try truncateLog()
            #expect(try fileHoldsMarker())
            try store.write { try $0.deletePayload(batch: "secret") }
            try truncateLog()
            #expect(try !fileHoldsMarker())
        }
    }

    @Test("v7 moves the payloads of a store made before it into parts, byte for byte")
    func migratesOldPayloads() throws {
        try SQLiteStoreTests.withStorePath { path in
            let payload = Self.bytes(2 * OutboxBatch.payloadPartSize + 70_000)
            do {
                let old = try DatabaseQueue(path: path)
                try SQLiteStore.migrator.migrate(old, upTo: "v6-processing-log")
                try old.write { db in
                    try db.execute(
                        sql: """
                            INSERT INTO batch (id, recipient, recipient_oin, contract, content_type, created_at, record_count, merkle_root,
                                               record_hashes, payload, signature, status, attempts)
                            VALUES (?, 'gm0363', '00000001002220647000', 'gemeente-kennisgeving', 'application/xml', 1, 1, 'ab', '01', ?, 'h..s',
                                    'pending', 0)
                            """, arguments: ["old", payload])
                    try db.execute(
                        sql: """
                            INSERT INTO batch (id, recipient, recipient_oin, contract, content_type, created_at, record_count, merkle_root,
                                               record_hashes, payload, signature, status, attempts)
                            VALUES ('empty', 'gm0363', '00000001002220647000', 'gemeente-kennisgeving', 'application/xml', 1, 0, 'ab', '', x'', 'h..s',
                                    'pending', 0)
                            """)
                }
            }
            let store = try SQLiteStore(path: path)
            #expect(try store.read { try $0.payload(of: "old") } == payload)
            #expect(try store.read { try $0.batch(id: "old") }?.payloadBytes == payload.count)
            var sizes: [Int] = []
            try store.read { tx in try tx.forEachPayloadPart(of: "old") { sizes.append($0.count) } }
            #expect(sizes == [OutboxBatch.payloadPartSize, OutboxBatch.payloadPartSize, 70_000])
            #expect(try store.read { try $0.payload(of: "empty") }.isEmpty)
        }
    }
}
