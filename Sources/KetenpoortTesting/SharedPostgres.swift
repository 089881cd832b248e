import Foundation
import KetenpoortCore
import StorePostgres

/// One PostgreSQL server for every test of a process (started on first use, stopped when the
/// process exits), and a database of its own per test, migrated as the owner role.
///
/// Everything here that waits for PostgreSQL (initdb, start, createdb, migrations) runs on a
/// thread of its own and is awaited: a test that blocked one of the few cooperative threads on it
/// would starve the servers other tests run in the same process (on two cores, for minutes).
public enum SharedPostgres {
    /// The server's start, begun by the first test that needs it and awaited by all.
    private static let started = Task {
        try await OwnThread.run {
            let server = try TemporaryPostgres.start()
            atexit { SharedPostgres.stopAtExit() }
            stopping.withLock { $0 = server }
            try server.makeRoles()
            return server
        }
    }
    private static let stopping = LockedValue<TemporaryPostgres?>(nil)
    private static let counter = LockedValue(0)

    private static func stopAtExit() {
        stopping.withLock { $0 }?.stop()
    }

    /// The process's server.
    public static func server() async throws -> TemporaryPostgres {
        try await started.value
    }

    /// A database name not used before in this process.
    public static func databaseName() -> String {
        "kp_\(getpid())_\(counter.withLock { value in value += 1; return value })"
    }

    /// A new database on the process's server with the gateway's schema; `drop` removes it.
    public static func database() async throws -> Database {
        let server = try await server()
        let name = databaseName()
        return try await OwnThread.run {
            let roles = try server.makeGatewayDatabase(name)
            try PostgresMigrations.migrate(ownerConninfo: roles.owner)
            return Database(server: server, name: name, owner: roles.owner, gateway: roles.gateway)
        }
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
