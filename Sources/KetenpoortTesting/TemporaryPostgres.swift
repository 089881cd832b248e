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
    /// Whether commits are flushed to disk as in production (benchmarks), or not (tests).
    public let isDurable: Bool
    /// libpq's connection string for the superuser's database.
    public var conninfo: String { "host=127.0.0.1 port=\(port) user=postgres dbname=postgres connect_timeout=10" }

    private init(folder: URL, port: Int, isDurable: Bool) {
        self.folder = folder
        self.port = port
        self.isDurable = isDurable
    }

    /// Makes a cluster and starts its server; waits until it accepts connections. `durable`: flush
    /// each commit to disk, as a production server does (for benchmarks beside SQLite's full sync).
    public static func start(durable: Bool = false) throws -> TemporaryPostgres {
        let folder = try TempDirectory(prefix: "ketenpoort-test-pg").url
        let server = TemporaryPostgres(folder: folder, port: try LoopbackPort.free(), isDurable: durable)
        do {
            if getuid() == 0 { try run("/bin/chown", ["postgres:postgres", folder.path], log: folder.appendingPathComponent("chown.log")) }
            let data = folder.appendingPathComponent("data").path
            try server.asServerUser(
                "initdb", ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"])
            try server.startServer()
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    /// Runs `sql` as the superuser in `database` (psql, stopping at the first error).
    public func superuser(_ sql: String, database: String = "postgres") throws {
        let log = folder.appendingPathComponent("psql-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        try Self.run(
            Self.binaries.appendingPathComponent("psql").path,
            ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", database, "-c", sql], log: log)
    }

    /// Makes the gateway's two roles (deploy/postgres/000-roles.sql: the owner runs migrations, the
    /// gateway connects) if they are not there; the test server trusts loopback, so no passwords.
    public func makeRoles() throws {
        try superuser(
            """
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ketenpoort_owner') THEN CREATE ROLE ketenpoort_owner LOGIN; END IF;
                IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ketenpoort_gateway') THEN CREATE ROLE ketenpoort_gateway LOGIN; END IF;
            END $$
            """)
    }

    /// Makes database `name`, owned by the owner role (`makeRoles()` first), with the schema rights
    /// of deploy/postgres/000-roles.sql; returns the connection strings of the owner and the gateway.
    public func makeGatewayDatabase(_ name: String) throws -> (owner: String, gateway: String) {
        try superuser("CREATE DATABASE \(name) OWNER ketenpoort_owner ENCODING 'UTF8' TEMPLATE template0")
        try superuser(
            "REVOKE ALL ON SCHEMA public FROM PUBLIC; GRANT USAGE ON SCHEMA public TO ketenpoort_gateway; GRANT ALL ON SCHEMA public TO ketenpoort_owner",
            database: name)
        let base = "host=127.0.0.1 port=\(port) dbname=\(name) connect_timeout=10"
        return ("\(base) user=ketenpoort_owner", "\(base) user=ketenpoort_gateway")
    }

    /// The gateway's roles and database `name` in one go (a server of one's own, e.g. a benchmark's).
    public func makeRolesAndDatabase(_ name: String) throws -> (owner: String, gateway: String) {
        try makeRoles()
        return try makeGatewayDatabase(name)
    }

    /// Drops database `name`, ending the connections still open to it.
    public func dropDatabase(_ name: String) throws {
        try superuser("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// Stops the server at once (its clients' connections break) and starts it again.
    public func restart() throws {
        let data = folder.appendingPathComponent("data").path
        try asServerUser("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"])
        try startServer()
    }

    private func startServer() throws {
        // fsync off for tests: a test never survives the machine's crash, only the gateway's.
        let options =
            "-p \(port) -k \(folder.path) -c listen_addresses=127.0.0.1 -c max_connections=500 -c fsync=\(isDurable ? "on" : "off")"
            + (isDurable ? " -c shared_buffers=512MB -c max_wal_size=4GB" : "")
        try asServerUser(
            "pg_ctl",
            [
                "-D", folder.appendingPathComponent("data").path, "-l", folder.appendingPathComponent("server.log").path, "-w", "-t", "120", "-o",
                options, "start",
            ])
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

    private static func run(_ program: String, _ arguments: [String], log: URL) throws {
        guard try ChildRun.measure(program, arguments, output: log.path).exitCode == 0 else {
            let said = (try? Data(contentsOf: log)) ?? Data()
            throw KetenpoortError(
                .storeUnavailable, "\(URL(fileURLWithPath: program).lastPathComponent) failed: \(String(decoding: said.suffix(600), as: UTF8.self))")
        }
    }
}
