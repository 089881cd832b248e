import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreTesting
import Testing

@testable import StorePostgres

/// A database of its own per store; tampering runs the engine's own statements as the gateway role.
struct PostgresHarness: StoreEngineHarness {

    func withStore(clock: SteppingClock, _ body: (any Store) async throws -> Void) async throws {
        let database = try await SharedPostgres.database()
        defer { database.drop() }
        let store = try PostgresStore(conninfo: database.gateway, node: "test", poolSize: 3, clock: clock)
        try await body(store)
    }

    func tamper(_ record: AppendOnlyRecord, _ operation: Tampering, in store: any Store) throws {
        let store = try #require(store as? PostgresStore)
        let (table, column): (String, String) =
            switch record {
            case .auditEntry: ("audit_entry", "seq")
            case .auditCheckpoint: ("audit_checkpoint", "seq")
            case .incident: ("incident", "id")
            case .incidentEvent: ("incident_event", "sequence")
            case .consentVersion: ("consent_version", "version")
            case .consentDecision: ("consent_decision", "seq")
            case .processingLog: ("processing_log", "seq")
            case .inboxReceipt: ("inbox_receipt", "key")
            }
        let sql = operation == .update ? "UPDATE \(table) SET \(column) = \(column)" : "DELETE FROM \(table)"
        do {
            _ = try store.engine.transaction { try $0.query(sql) }
        } catch let error as PostgresError where error.sqlState == "42501" {
            throw KetenpoortError(.storeAppendOnly, "\(table) refused the \(operation)")
        }
    }
}
