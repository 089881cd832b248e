import Foundation
import GRDB
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreTesting
import Testing

@testable import StoreSQLite

/// The embedded engine against the conformance suite every store engine runs.
@Suite("SQLite store: conformance")
struct SQLiteConformanceTests {
    @Test(arguments: StoreConformance.checks)
    func conforms(_ check: ConformanceCheck) async throws {
        try await check.run(on: SQLiteHarness())
    }
}

/// A store in a folder of its own, removed afterwards; tampering is plain SQL on the files.
struct SQLiteHarness: StoreEngineHarness {
    func withStore(clock: SteppingClock, _ body: (any Store) async throws -> Void) async throws {
        let folder = try TempDirectory(prefix: "ketenpoort-test-conformance")
        defer { folder.remove() }
        try await body(try SQLiteStore(path: folder.file("ketenpoort.sqlite").path, clock: clock))
    }

    func tamper(_ record: AppendOnlyRecord, _ operation: Tampering, in store: any Store) throws {
        let store = try #require(store as? SQLiteStore)
        let table: String
        switch record {
        case .auditEntry: table = "audit_entry"
        case .auditCheckpoint: table = "audit_checkpoint"
        case .incident: table = "incident"
        case .incidentEvent: table = "incident_event"
        case .consentVersion: table = "consent_version"
        case .consentDecision: table = "consent_decision"
        case .processingLog: table = "processing_log"
        case .inboxReceipt: table = "inbox_receipt"
        }
        let sql = operation == .update ? "UPDATE \(table) SET rowid = rowid" : "DELETE FROM \(table)"
        do {
            if record == .processingLog {
                try store.log.pool.write { try $0.execute(sql: sql) }
            } else {
                try store.queue.write { try $0.execute(sql: sql) }
            }
        } catch let error as DatabaseError where error.message == "\(table) is append-only" {
            throw KetenpoortError(.storeAppendOnly, "\(table) refused the \(operation)")
        }
    }
}
