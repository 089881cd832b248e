import ArgumentParser
import Exchanges
import Foundation

/// `ketenpoort store migrate`: the store's schema, as the owner role.
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Look after the store itself.", subcommands: [Migrate.self])

    /// Brings the PostgreSQL schema to this gateway's version (`store.ownerUrl`): once per upgrade,
    /// before the nodes start; nodes started together may each run it, it migrates once.
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Bring the PostgreSQL schema to this gateway's version, as the owner role (store.ownerUrl).")

        @OptionGroup var gateway: GatewayOptions

        func run() throws {
            let applied = try StoreOpener.migrate(try gateway.configuration().store)
            print(applied.isEmpty ? "the schema is up to date" : "applied schema version(s) \(applied.map(String.init).joined(separator: ", "))")
        }
    }
}
