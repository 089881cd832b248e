import Foundation
import KetenpoortCore
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// A PostgreSQL 15 server of its own for a test: a new cluster in a temporary folder, listening on a
/// free loopback port, run as the `postgres` user when the test runs as root (the server refuses
/// root). `stop()` ends it and removes the folder.
public final class TemporaryPostgres: Sendable {
    /// Where Debian's `postgresql-15` keeps its programs.
    public static let binaries = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin")

    public let folder: URL
    public let port: Int
    /// libpq's connection string for the superuser's database.
    public var conninfo: String { "host=127.0.0.1 port=\(port) user=postgres dbname=postgres connect_timeout=10" }

    private init(folder: URL, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// Makes a cluster and starts its server; waits until it accepts connections.
    public static func start() throws -> TemporaryPostgres {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ketenpoort-test-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let server = TemporaryPostgres(folder: folder, port: try LoopbackPort.free())
        do {
            if getuid() == 0 { try run("/bin/chown", ["postgres:postgres", folder.path], log: folder.appendingPathComponent("chown.log")) }
            let data = folder.appendingPathComponent("data").path
            try server.asServerUser(
                "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
            // fsync off: a test never survives the machine's crash, only the gateway's.
            let options = "-p \(server.port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
            try server.asServerUser(
                "pg_ctl", ["-D", data, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "120", "-o", options, "start"])
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Stops the server at once (no checkpoint) and removes its folder.
    public func stop() {
        try? asServerUser("pg_ctl", ["-D", folder.appendingPathComponent("data").path, "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(at: folder)
    }

    private func asServerUser(_ program: String, _ arguments: [String]) throws {
        let path = Self.binaries.appendingPathComponent(program).path
        let log = folder.appendingPathComponent("\(program).log")
        if getuid() == 0 {
            try Self.run("/usr/sbin/runuser", ["-u", "postgres", "--", path] + arguments, log: log)
        } else {
            try Self.run(path, arguments, log: log)
        }
    }

    /// Runs `program` to its end with its output in `log`. Spawned and reaped here, not through
    /// `Process`: Foundation learns that a child ended from a descriptor the child inherits, and
    /// the server `pg_ctl` starts inherits it too and keeps it open for as long as it runs.
    private static func run(_ program: String, _ arguments: [String], log: URL) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else { throw KetenpoortError(.storeUnavailable, "\(program) cannot be started (errno \(spawned))") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        // WIFEXITED and WEXITSTATUS, by hand: Glibc's macros do not reach Swift.
        guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
            let said = (try? Data(contentsOf: log)) ?? Data()
            throw KetenpoortError(
                .storeUnavailable, "\(URL(fileURLWithPath: program).lastPathComponent) failed: \(String(decoding: said.suffix(600), as: UTF8.self))")
        }
    }
}
