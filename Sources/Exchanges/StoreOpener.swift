import Foundation
import Gateway
import KetenpoortCore
import Store
import StorePostgres
import StoreSQLite

/// Opens the store the configuration names: the SQLite file, or the PostgreSQL database as this
/// node, its password read from its file.
public enum StoreOpener {
    public static func open(_ settings: GatewayConfiguration.StoreSettings) throws -> any Store {
        switch settings.engine {
        case .sqlite:
            return try SQLiteStore(path: settings.path.path)
        case .postgres(let postgres):
            let password = try postgres.passwordFile.map { String(decoding: try SecretFile.read($0, key: "store.passwordFile"), as: UTF8.self) }
            return try PostgresStore(conninfo: postgres.url, password: password, node: postgres.node, poolSize: postgres.poolSize)
        }
    }

    /// Brings the PostgreSQL schema to this gateway's version as the owner role
    /// (`store.ownerUrl`, `store.ownerPasswordFile`); returns the versions applied.
    public static func migrate(_ settings: GatewayConfiguration.StoreSettings) throws -> [Int] {
        guard case .postgres(let postgres) = settings.engine else {
            throw KetenpoortError(.configurationInvalid, "the sqlite store migrates itself when it is opened; store migrate is for postgres")
        }
        guard let owner = postgres.ownerURL else {
            throw KetenpoortError(.configurationInvalid, "store.ownerUrl is not set: the migrations run as the owner role")
        }
        let password = try postgres.ownerPasswordFile.map {
            String(decoding: try SecretFile.read($0, key: "store.ownerPasswordFile"), as: UTF8.self)
        }
        return try migrate(ownerConninfo: owner, password: password)
    }

    /// The PostgreSQL schema version this gateway runs on, and the oldest whose gateways keep
    /// running on it (nodes may be upgraded one at a time when theirs is at least that).
    public static var postgresSchema: (version: Int, compatibleFrom: Int) { (PostgresMigrations.latest, PostgresMigrations.compatibleFrom) }

    /// Brings the PostgreSQL schema at `ownerConninfo` to this gateway's version.
    @discardableResult
    public static func migrate(ownerConninfo: String, password: String? = nil) throws -> [Int] {
        try PostgresMigrations.migrate(ownerConninfo: ownerConninfo, password: password)
    }
}
