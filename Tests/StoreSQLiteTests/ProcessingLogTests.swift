import Foundation
import GRDB
import KetenpoortCore
import Testing

@testable import Store
@testable import StoreSQLite

@Suite("Processing log (a file of its own)")
struct ProcessingLogTests {
    static func entry(_ subject: String, at seconds: Double) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: String(repeating: "a", count: 32), spanID: String(repeating: "b", count: 16), parentSpanID: nil, activity: "ind-statusvraag",
            callerOIN: "00000001003214369000", purpose: "naturalisatie", caseNumber: "IND-1", subject: subject, outcome: "bekend",
            at: Date(timeIntervalSince1970: seconds))
    }

    @Test("entries are appended in one commit and read back per subject in order; the log refuses UPDATE and DELETE")
    func appendAndRead() throws {
        try SQLiteStoreTests.withStore { store, path in
            try store.processingLog.append([Self.entry("p1", at: 1), Self.entry("p2", at: 2), Self.entry("p1", at: 3)])
            #expect(try store.processingLog.processings(subject: "p1").map(\.at.timeIntervalSince1970) == [1, 3])
            let log = try DatabaseQueue(path: SQLiteProcessingLog.path(forStore: path))
            #expect(throws: (any Error).self) { try log.write { try $0.execute(sql: "DELETE FROM processing_log") } }
            #expect(throws: (any Error).self) { try log.write { try $0.execute(sql: "UPDATE processing_log SET subject = 'x'") } }
        }
    }

    @Test("an append is committed while another connection holds the store's write transaction open")
    func independentOfStoreWrites() throws {
        try SQLiteStoreTests.withStore { store, path in
            let other = try DatabaseQueue(path: path)
            try other.inTransaction(.immediate) { _ in
                // The store file is write-locked now; the log is not.
                try store.processingLog.append([Self.entry("p1", at: 1)])
                return .rollback
            }
            #expect(try store.processingLog.processings(subject: "p1").count == 1)
        }
    }

    @Test("entries kept in the store file before the log had its own are copied over once")
    func legacyEntriesImported() throws {
        try SQLiteStoreTests.withStore { store, path in
            try DatabaseQueue(path: path).write { db in
                try db.execute(
                    sql: """
                        INSERT INTO processing_log (trace_id, span_id, activity, caller_oin, purpose, subject, outcome, at)
                        VALUES ('t', 's', 'ind-statusvraag', '00000001003214369000', 'naturalisatie', 'old', 'bekend', 5)
                        """)
            }
            let logPath = SQLiteProcessingLog.path(forStore: path)
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: logPath + suffix) }
            let reopened = try SQLiteStore(path: path)
            #expect(try reopened.processingLog.processings(subject: "old").map(\.at.timeIntervalSince1970) == [5])
            let again = try SQLiteStore(path: path)
            #expect(try again.processingLog.processings(subject: "old").count == 1)
        }
    }

    @Test("the write-ahead log stays bounded under commits without pause, checkpoints taken over")
    func logBounded() throws {
        try SQLiteStoreTests.withStore { _, path in
            let limit = 256 << 10
            let log = try SQLiteProcessingLog(storePath: path, logLimit: limit)
            try log.takeOverCheckpoints()
            // 600 commits of one entry: about 2.4 MB of log if nothing starts it anew.
            for index in 0..<600 { try log.append([Self.entry("p\(index)", at: Double(index))]) }
            let walBytes = (try FileManager.default.attributesOfItem(atPath: log.path + "-wal")[.size] as? Int) ?? 0
            #expect(walBytes <= limit + 64 << 10, "\(walBytes) bytes of write-ahead log")
            #expect(try log.processings(subject: "p599").count == 1)
        }
    }
}
