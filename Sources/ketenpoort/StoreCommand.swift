import ArgumentParser
import Exchanges
import Foundation
import StoreSQLite

/// `ketenpoort store migrate|backup`: the store's schema, as the owner role; a copy of a SQLite store.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Look after the store itself.", subcommands: [Migrate.self, Backup.self])

    /// Brings the PostgreSQL schema to this gateway's version (`store.ownerUrl`): once per upgrade,
    /// before the nodes start; nodes started together may each run it, it migrates once.
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the PostgreSQL schema to this gateway's version, as the owner role (store.ownerUrl).")

        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let applied = try StoreOpener.migrate(try gateway.configuration().store)
            print(applied.isEmpty ? "the schema is up to date" : "applied schema version(s) \(applied.map(String.init).joined(separator: ", "))")
            // What decides between a rolling upgrade and stopping every node (deploy/README.md).
            let schema = StoreOpener.postgresSchema
            print("schema version \(schema.version): nodes of schema version \(schema.compatibleFrom) or later keep running on it")
        }
    }

    /// Copies a SQLite store's files, consistent each, while the gateway runs (deploy/README.md:
    /// backup and restore). A PostgreSQL store is backed up with `pg_dump`.
    struct Backup: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the SQLite store's files (online backup) into an empty folder; on PostgreSQL, use pg_dump.")

        @Option(help: "The folder to write the copies to (made when missing; existing copies are never overwritten).") var out: String
        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let runtime = try gateway.runtime()
            guard let store = runtime.store as? SQLiteStore else {
                FileHandle.standardError.write(
                    Data("ketenpoort: the store is on PostgreSQL: back it up with pg_dump as the owner role (deploy/README.md)\n".utf8))
                throw ExitCode.failure
            }
            for copy in try store.backup(into: URL(fileURLWithPath: out)) { print(copy.path) }
        }
    }
}
