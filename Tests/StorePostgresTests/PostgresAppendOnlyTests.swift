import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import StorePostgres

/// Append-only in two lines: the gateway role has no UPDATE or DELETE on the append-only tables,
/// and triggers refuse those changes even to the owner role that made the tables.
@Suite("PostgreSQL append-only lines")
struct PostgresAppendOnlyTests {
    @Test("the owner role, which the grants do not stop, is refused by the triggers; the gateway role by the grants")
    func twoLines() async throws {
        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let roles = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        try PostgresMigrations.migrate(ownerConninfo: roles.owner)
        #expect(try PostgresMigrations.migrate(ownerConninfo: roles.owner).isEmpty, "a second migration applies nothing")
        let owner = try PostgresConnection(conninfo: roles.owner)
        try owner.query(
            "INSERT INTO audit_entry (seq, time, kind, payload, prev_hash, hash) VALUES (1, 't', 'k', '{}', $1, 'h1')", [AuditEntry.genesis])
        for statement in ["UPDATE audit_entry SET kind = 'x'", "DELETE FROM audit_entry", "TRUNCATE audit_entry"] {
            let refused = #expect(throws: PostgresError.self) { try owner.query(statement) }
            #expect(refused?.sqlState == "42501", "\(statement)")
        }
        let gateway = try PostgresConnection(conninfo: roles.gateway)
        let refused = #expect(throws: PostgresError.self) { try gateway.query("UPDATE processing_log SET outcome = 'x'") }
        #expect(refused?.sqlState == "42501")
        #expect(try gateway.query("SELECT count(*) AS n FROM audit_entry").first { try $0["n"] as Int } == 1)
    }

    @Test("a store refuses to open on a schema older than the gateway's, naming the command that migrates it")
    func schemaBehind() async throws {
        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let roles = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        #expect(throws: KetenpoortError(.storeUnavailable, "")) { _ = try PostgresStore(conninfo: roles.gateway, node: "n1") }
    }
}
