import Foundation
import GRDB
import Testing

@testable import StoreSQLite

/// The IND's answers read on connections of their own (`AnswerReaders`).
@Suite("Answer readers")
struct AnswerReadersTests {
    static func lastSequence(_ db: Database) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT max(sequence) FROM duo_extract")
    }

    @Test("an answer's statements read one extract: one applied between them is not seen, the next read sees it")
    func oneSnapshotPerRead() throws {
        try SQLiteStoreTests.withStore { store, _ in
            try DuoStatusStoreTests.apply(["123456782"], sequence: 1, to: store)
            let readers = try AnswerReaders(path: store.duoStatusPath, count: 1)
            let seen = try readers.read { db in
                let first = try Self.lastSequence(db)
                try DuoStatusStoreTests.apply(["123456782"], sequence: 2, to: store)
                return (first, try Self.lastSequence(db))
            }
            #expect(seen.0 == 1 && seen.1 == 1)
            #expect(try readers.read(Self.lastSequence) == 2)
        }
    }

    @Test("a read that fails ends its transaction: the connection reads on")
    func failedReadEndsItsTransaction() throws {
        try SQLiteStoreTests.withStore { store, _ in
            try DuoStatusStoreTests.apply(["123456782"], sequence: 1, to: store)
            let readers = try AnswerReaders(path: store.duoStatusPath, count: 1)
            #expect(throws: DatabaseError.self) { try readers.read { db in try db.execute(sql: "SELECT * FROM no_such_table") } }
            try DuoStatusStoreTests.apply(["123456782"], sequence: 2, to: store)
            #expect(try readers.read(Self.lastSequence) == 2)
        }
    }
}
