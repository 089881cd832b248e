import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

/// The runbook's backup and restore (deploy/README.md), step by step, on both engines: the
/// restored store passes `audit verify` and holds what the original held.
@Suite("Backup and restore (deploy/README.md)")
struct BackupRestoreTests {
    /// The restored store holds the original's audit chain, entry for entry up to its last (`audit
    /// verify` itself appends to the chain it verified), and its delivered batches.
    static func expectSameRecord(_ restored: any Store, as original: any Store) async throws {
        let last = try #require(try await original.read { try $0.lastAuditEntry() })
        #expect(try await restored.read { try $0.auditEntry(seq: last.seq) } == last)
        let batches = { (store: any Store) in try await store.read { try $0.batches(status: .delivered).map(\.id.value).sorted() } }
        #expect(try await batches(restored) == (try await batches(original)))
    }

    @Test("SQLite: store backup copies the three files online; put in place of a store they verify and hold the same chain")
    func sqlite() async throws {
        let fixture = try await MisdeliveryTests.deliveredNight()
        defer { fixture.directory.remove() }
        let config = fixture.directory.file("ketenpoort.yaml")
        let backup = fixture.directory.file("backup")
        let made = try await CLI.runDetached(
            ["store", "backup", "--out", backup.path, "--config", config.path], environment: IncidentsCLITests.environment)
        #expect(made.status == 0, "\(made)")
        let copies = made.stdout.split(separator: "\n").map(String.init)
        #expect(
            copies.map { URL(fileURLWithPath: $0).lastPathComponent }.sorted() == [
                "ketenpoort.duo-status.sqlite", "ketenpoort.processing-log.sqlite", "ketenpoort.sqlite",
            ])
        let again = try await CLI.runDetached(
            ["store", "backup", "--out", backup.path, "--config", config.path], environment: IncidentsCLITests.environment)
        #expect(again.status != 0 && again.stderr.contains("exists already"), "a backup never overwrites one")

        // Restore: the node stopped, the copies put where its store was (here: a new folder).
        let restored = fixture.directory.file("restored")
        try FileManager.default.createDirectory(at: restored, withIntermediateDirectories: true)
        for copy in copies {
            try FileManager.default.copyItem(atPath: copy, toPath: restored.appendingPathComponent(URL(fileURLWithPath: copy).lastPathComponent).path)
        }
        let yaml = try String(contentsOf: config, encoding: .utf8).replacingOccurrences(
            of: "path: var/ketenpoort.sqlite", with: "path: restored/ketenpoort.sqlite")
        let restoredConfig = fixture.directory.file("restored.yaml")
        try yaml.write(to: restoredConfig, atomically: true, encoding: .utf8)
        let verified = try await CLI.runDetached(["audit", "verify", "--config", restoredConfig.path], environment: IncidentsCLITests.environment)
        #expect(verified.status == 0, "\(verified)")
        try await Self.expectSameRecord(try SQLiteStore(path: restored.appendingPathComponent("ketenpoort.sqlite").path), as: fixture.runtime.store)
    }

    @Test("PostgreSQL: pg_dump as the owner role, pg_restore into a new database; audit verify passes on it")
    func postgres() async throws {
        let fixture = try await SyncFixture(engine: .postgres)
        defer { fixture.directory.remove() }
        _ = try fixture.sync("tvs-export-20261122.csv")
        guard case .postgres(let settings) = fixture.runtime.configuration.store.engine else {
            Issue.record("the fixture's store is on PostgreSQL")
            return
        }
        let owner = settings.url.replacingOccurrences(of: "user=ketenpoort_gateway", with: "user=ketenpoort_owner")
        let dump = fixture.directory.file("ketenpoort.dump")
        let bin = TemporaryPostgres.binaries
        let dumped = try await PythonTool.run(bin.appendingPathComponent("pg_dump"), ["--format=custom", "--file=\(dump.path)", "--dbname=\(owner)"])
        #expect(dumped.status == 0, "\(dumped)")

        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let target = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        let restoredDump = try await PythonTool.run(
            bin.appendingPathComponent("pg_restore"), ["--exit-on-error", "--no-owner", "--dbname=\(target.owner)", dump.path])
        #expect(restoredDump.status == 0, "\(restoredDump)")

        let yaml = try String(contentsOf: fixture.directory.file("ketenpoort.yaml"), encoding: .utf8).replacingOccurrences(
            of: settings.url, with: target.gateway)
        let restoredConfig = fixture.directory.file("restored.yaml")
        try yaml.write(to: restoredConfig, atomically: true, encoding: .utf8)
        let verified = try await CLI.runDetached(["audit", "verify", "--config", restoredConfig.path], environment: IncidentsCLITests.environment)
        #expect(verified.status == 0, "\(verified)")
        let restored = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: restoredConfig), workspaceRoot: Repository.root)
        try await Self.expectSameRecord(restored.store, as: fixture.runtime.store)
    }
}
