import Foundation
import KetenpoortCore
import StorePostgres

/// One PostgreSQL server for every test of a process (started on first use, stopped when the
/// process exits), and a database of its own per test, migrated as the owner role.
public enum SharedPostgres {
    private static let started = Result {
        let server = try TemporaryPostgres.start()
        try server.makeRoles()
        return server
    }
    private static let counter = LockedValue(0)
    private static let registerStop: Void = { atexit { try? SharedPostgres.started.get().stop() } }()

    /// The process's server.
    public static func server() throws -> TemporaryPostgres {
        let server = try started.get()
        registerStop
        return server
    }

    /// A database name not used before in this process.
    public static func databaseName() -> String {
        "kp_\(getpid())_\(counter.withLock { value in value += 1; return value })"
    }

    /// A new database on the process's server with the gateway's schema; `drop` removes it.
    public static func database() throws -> Database {
        let server = try server()
        let name = databaseName()
        let roles = try server.makeGatewayDatabase(name)
        try PostgresMigrations.migrate(ownerConninfo: roles.owner)
        return Database(server: server, name: name, owner: roles.owner, gateway: roles.gateway)
    }

    /// A database of a test.
    public struct Database: Sendable {
        public let server: TemporaryPostgres
        public let name: String
        /// libpq connection strings of the owner and the gateway role.
        public let owner: String
        public let gateway: String

        /// Drops the database, ending its connections.
        public func drop() { try? server.dropDatabase(name) }
    }
}
