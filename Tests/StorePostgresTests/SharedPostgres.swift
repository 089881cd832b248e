import Foundation
import KetenpoortCore
import KetenpoortTesting

/// One PostgreSQL server for every test of this process, stopped when the process exits.
enum SharedPostgres {
    private static let started = Result {
        let server = try TemporaryPostgres.start()
        try server.makeRoles()
        return server
    }
    private static let counter = LockedValue(0)

    static func server() throws -> TemporaryPostgres {
        let server = try started.get()
        registerStop
        return server
    }

    /// A database name not used before in this process.
    static func databaseName() -> String {
        "kp_\(getpid())_\(counter.withLock { value in value += 1; return value })"
    }

    private static let registerStop: Void = { atexit { try? SharedPostgres.started.get().stop() } }()
}
