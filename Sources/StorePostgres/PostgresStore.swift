import Foundation
import KetenpoortCore
import Store

/// The store on PostgreSQL, for several gateway nodes sharing one database. Connects as the
/// gateway role (`ketenpoort_gateway`), which cannot change what is append-only; the schema is
/// brought up to date beforehand by `PostgresMigrations.migrate` as the owner role.
///
/// Connections of its own for each kind of work: `poolSize` threads for the store's transactions
/// (a night's sync, an ingest, deliveries); for the real-time path, `realtimeReaders` threads for the
/// DUO status reads of the IND's answers and one connection for the processing log's group commits
/// (used on the grouped writer's thread) — so an answer never waits for a thread that batch work
/// holds; and `renewalConnections` for the renewals of leases and delivery claims, so a renewal
/// never waits behind a night's commits (a lease that ran out meanwhile would be taken over by
/// another node while this one still works under it). PostgreSQL's row versions let readers read while a writer commits. An answer's read and
/// its log entry are one statement each (autocommit): a round trip each, where a transaction would
/// take three or four.
public final class PostgresStore: Store {
    let engine: PostgresEngine
    let realtime: PostgresEngine
    let renewals: PostgresEngine
    /// When set, the clock claims and leases are measured by (tests); nil in production, where they
    /// are measured by the database's own clock (`statement_timestamp()`), the same for every node.
    let clock: (any WallClock)?
    private let log: PostgresProcessingLog
    private let status: PostgresDuoStatusStore
    public var processingLog: any ProcessingLog { log }
    public var duoStatus: any DuoStatusStore { status }

    /// Session settings of every connection: instants in UTC, dates in ISO form.
    static let sessionSetup = "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'"

    /// Connections reading DUO statuses for the IND's answers: each answer is one round trip, and
    /// the gateway's threads answer several questions at once.
    static let realtimeReaders = 2

    /// Connections renewing leases and claims: two, because a lease's renewal waits for the fenced
    /// transactions that share-lock its row (`checkFence`) to end, and the claims' must not wait
    /// behind it.
    static let renewalConnections = 2

    /// Connects `poolSize` + 5 connections with `conninfo` (libpq's form) as node `node`, whose
    /// processing-log entries are kept under its name; throws `store.unavailable` when the server
    /// cannot be reached or its schema is not the version this gateway runs on.
    public init(conninfo: String, password: String? = nil, node: String, poolSize: Int = 4, clock: (any WallClock)? = nil) throws {
        try PostgresMigrations.check(try PostgresConnection(conninfo: conninfo, password: password))
        let setup = Self.sessionSetup + "; SET application_name = 'ketenpoort \(node.filter { $0.isLetter || $0.isNumber || $0 == "-" })'"
        engine = try PostgresEngine(conninfo: conninfo, password: password, threads: max(1, poolSize), name: "pg", setup: setup)
        realtime = try PostgresEngine(conninfo: conninfo, password: password, threads: Self.realtimeReaders, name: "pg-realtime", setup: setup)
        renewals = try PostgresEngine(conninfo: conninfo, password: password, threads: Self.renewalConnections, name: "pg-renewal", setup: setup)
        self.clock = clock
        log = PostgresProcessingLog(
            connection: try PostgresConnection(conninfo: conninfo, password: password, setup: setup), engine: engine, node: node)
        status = PostgresDuoStatusStore(reads: realtime, writes: engine, node: node)
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async write")
    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let clock = clock
        return try engine.transaction { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }

    /// `synchronous_commit = off` for this one transaction: it commits without waiting for its WAL
    /// flush, which the server's next flush (another commit's, or the WAL writer's within
    /// `wal_writer_delay`) makes, in WAL order.
    @available(*, noasync, message: "blocks the calling thread")
    public func writeUnflushed<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let clock = clock
        return try engine.transaction { connection in
            try connection.execute(script: "SET LOCAL synchronous_commit = off")
            return try Self.run(body, on: PostgresTransaction(connection: connection, clock: clock))
        }
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let clock = clock
        return try engine.transaction(readOnly: true) { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let clock = clock
        return try await engine.transaction { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async renewal")
    public func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        let clock = clock
        return try renewals.transaction { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }

    public func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let clock = clock
        return try await renewals.transaction { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }

    /// Runs `body` and writes what the transaction held back, before the engine commits (in a
    /// read-only transaction that write fails, as the put itself would have).
    private static func run<T>(_ body: (any StoreTransaction) throws -> T, on transaction: PostgresTransaction) throws -> T {
        let result = try body(transaction)
        try transaction.flush()
        return result
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let clock = clock
        return try await engine.transaction(readOnly: true) { try Self.run(body, on: PostgresTransaction(connection: $0, clock: clock)) }
    }
}
