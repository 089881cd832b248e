import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import StorePostgres

/// Which schema a node runs on: its own version, or a later one whose migrations keep nodes of its
/// version running (a rolling upgrade: migrate first, then replace the nodes one at a time).
@Suite("PostgreSQL schema versions")
struct PostgresSchemaVersionTests {
    /// A migrated database of its own; `body` gets a connection as its owner and the conninfo of
    /// the gateway role and of the owner role.
    static func withMigratedDatabase(_ body: (_ owner: PostgresConnection, _ gateway: String, _ ownerConninfo: String) throws -> Void) async throws {
        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let roles = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        try PostgresMigrations.migrate(ownerConninfo: roles.owner)
        try body(try PostgresConnection(conninfo: roles.owner), roles.gateway, roles.owner)
    }

    /// The message of the `store.unavailable` a store refuses to open with, nil when it opens.
    static func refusal(opening gateway: String) -> String? {
        do {
            let store = try PostgresStore(conninfo: gateway, node: "n1")
            _ = try store.read { try $0.lastSnapshot(source: "coa") }
            return nil
        } catch let error as KetenpoortError where error.code == .storeUnavailable {
            return error.reason
        } catch {
            return "unexpected: \(error)"
        }
    }

    @Test("every applied version records the oldest schema version whose nodes keep running on it")
    func compatibilityRecorded() async throws {
        try await Self.withMigratedDatabase { owner, _, _ in
            let rows = try owner.query("SELECT version, compatible_from FROM schema_version ORDER BY version").map {
                [try $0["version"] as Int, try $0["compatible_from"] as Int]
            }
            #expect(rows == PostgresSchema.migrations.map { [$0.version, $0.compatibleFrom] })
            #expect(PostgresMigrations.compatibleFrom == PostgresSchema.migrations.map(\.compatibleFrom).max())
        }
    }

    @Test("a schema migrated by a build that did not record compatibility gets it from the next migrate")
    func compatibilityBackfilled() async throws {
        try await Self.withMigratedDatabase { owner, _, ownerConninfo in
            try owner.execute(script: "ALTER TABLE schema_version DROP COLUMN compatible_from")
            #expect(try PostgresMigrations.migrate(ownerConninfo: ownerConninfo).isEmpty)
            let missing = try owner.query("SELECT count(*) AS n FROM schema_version WHERE compatible_from IS NULL").first { try $0["n"] as Int }
            #expect(missing == 0)
        }
    }

    @Test("a node runs on a later schema whose migrations keep its version running, and says nothing is wrong")
    func laterCompatibleSchema() async throws {
        try await Self.withMigratedDatabase { owner, gateway, _ in
            let latest = PostgresMigrations.latest
            try owner.query("INSERT INTO schema_version (version, compatible_from) VALUES ($1, $2)", [latest + 1, latest])
            #expect(Self.refusal(opening: gateway) == nil)
        }
    }

    @Test("a node refuses a later schema that needs a later release, or whose compatibility is not recorded, naming what to do")
    func laterIncompatibleSchema() async throws {
        try await Self.withMigratedDatabase { owner, gateway, _ in
            let latest = PostgresMigrations.latest
            try owner.query("INSERT INTO schema_version (version, compatible_from) VALUES ($1, $2)", [latest + 1, latest])
            try owner.query("INSERT INTO schema_version (version, compatible_from) VALUES ($1, $2)", [latest + 2, latest + 2])
            let refused = Self.refusal(opening: gateway)
            #expect(
                refused?.contains("schema is at version \(latest + 2), which gateways of schema version \(latest + 2) or later run on") == true,
                "\(refused ?? "opened")")
            #expect(refused?.contains("upgrade this node") == true)
            try owner.query("DELETE FROM schema_version WHERE version = $1", [latest + 2])
            try owner.query("INSERT INTO schema_version (version) VALUES ($1)", [latest + 2])
            #expect(Self.refusal(opening: gateway)?.contains("upgrade this node") == true, "no recorded compatibility counts as none")
        }
    }
}
