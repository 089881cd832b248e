import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@testable import StorePostgres
@testable import StoreTesting

/// Renewals of leases and claims have a connection of their own and wait for no lock: a node whose
/// transactions are all busy (a night's commits, the deliveries' payload reads and records) still
/// renews in time, and reports no claim lost that its own attempt is releasing.
@Suite("PostgreSQL renewals")
struct PostgresRenewalTests {
    /// Leases and claims that outlast any test, however busy the machine: none runs out in one.
    static let duration: TimeInterval = 3_600

    /// A store on a migrated database of its own, with one connection for transactions; `body`
    /// also gets a connection as the owner, to look at the server's sessions, and the gateway
    /// role's conninfo, for another node's store.
    static func withStore(_ body: (PostgresStore, PostgresConnection, String) async throws -> Void) async throws {
        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let roles = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        try PostgresMigrations.migrate(ownerConninfo: roles.owner)
        try await body(
            try PostgresStore(conninfo: roles.gateway, node: "n1", poolSize: 1), try PostgresConnection(conninfo: roles.owner), roles.gateway)
    }

    /// Runs `renewal` while a write transaction that ran `held` is open on the store's one
    /// transaction connection; returns its result, or nil when it did not come within 60 s (it
    /// waited for the held transaction). `meanwhile` runs once the transaction is open, before the
    /// renewal.
    static func renewing<T: Sendable>(
        on store: PostgresStore, whileHolding held: @escaping (any StoreTransaction) throws -> Void,
        meanwhile: () async throws -> Void = {}, _ renewal: @escaping @Sendable (any StoreTransaction) throws -> T
    ) async throws -> T? {
        let entered = Gate()
        let release = DispatchSemaphore(value: 0)
        nonisolated(unsafe) let held = held
        let holder = Thread {
            try? store.write { tx in
                try held(tx)
                entered.open()
                release.wait()
            }
            entered.open()  // also when `held` failed: the test goes on (and fails), it does not hang
        }
        holder.start()
        await entered.wait()
        try await meanwhile()
        let outcome = LockedValue<Result<T, any Error>?>(nil)
        let renewing = Task {
            let result: Result<T, any Error>
            do { result = .success(try await store.renewal(renewal)) } catch { result = .failure(error) }
            outcome.withLock { $0 = result }
        }
        let came = try await eventually { outcome.withLock { $0 } != nil }
        release.signal()
        await renewing.value
        return came ? try outcome.withLock { $0 }?.get() : nil
    }

    @Test("a lease is renewed while its holder's fenced write holds every transaction connection")
    func renewalBesideFencedWrite() async throws {
        try await Self.withStore { store, _, _ in
            let lease = try #require(try await store.write { try $0.acquireLease("night", holder: "n1", for: Self.duration) })
            let renewed = try await Self.renewing(on: store, whileHolding: { try $0.checkFence(lease) }) {
                try $0.extendLease(lease, for: Self.duration)
            }
            #expect(renewed == true, "renewed at once, beside the fenced transaction")
        }
    }

    @Test("a claim its attempt's record is releasing right now counts as released, at once: not waited for, not lost")
    func claimBeingReleased() async throws {
        try await Self.withStore { store, _, _ in
            try await store.write { tx in try tx.insertBatch(Samples.batch("r1"), payload: Data("<Kennisgevingen/>".utf8)) }
            #expect(try await store.write { try $0.claim(batches: ["r1"], holder: "n1", for: Self.duration) } == ["r1"])
            let renewal = try await Self.renewing(on: store, whileHolding: { try $0.releaseClaim(batch: "r1", holder: "n1") }) {
                try $0.renewClaim(batch: "r1", holder: "n1", for: Self.duration)
            }
            #expect(renewal == .released)
            #expect(try await store.renewal { try $0.renewClaim(batch: "r1", holder: "n1", for: Self.duration) } == .released)
        }
    }

    @Test("a takeover waits for the holder's fenced transaction; a claim is renewed meanwhile")
    func claimBesideWaitingTakeover() async throws {
        try await Self.withStore { store, owner, gateway in
            try await store.write { tx in try tx.insertBatch(Samples.batch("r1"), payload: Data("<Kennisgevingen/>".utf8)) }
            #expect(try await store.write { try $0.claim(batches: ["r1"], holder: "n1", for: Self.duration) } == ["r1"])
            let lease = try #require(try await store.write { try $0.acquireLease("night", holder: "n1", for: Self.duration) })
            let other = try PostgresStore(conninfo: gateway, node: "n2", poolSize: 1)
            let takeover = LockedValue<Task<Lease?, any Error>?>(nil)
            let claimRenewal = try await Self.renewing(
                on: store, whileHolding: { try $0.checkFence(lease) },
                meanwhile: {
                    takeover.withLock { $0 = Task { try await other.write { try $0.acquireLease("night", holder: "n2", for: Self.duration) } } }
                    let waiting = try await eventually {
                        try owner.query("SELECT count(*) AS n FROM pg_locks WHERE NOT granted").first { try $0["n"] as Int } ?? 0 > 0
                    }
                    #expect(waiting, "the other node's attempt to take the lease waits for the fenced transaction")
                }
            ) { try $0.renewClaim(batch: "r1", holder: "n1", for: Self.duration) }
            #expect(claimRenewal == .renewed)
            #expect(try await takeover.withLock { $0 }?.value == nil, "the lease is still n1's once the fenced transaction ended")
        }
    }
}
