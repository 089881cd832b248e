import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@testable import StorePostgres

/// Renewals of leases and claims have a connection of their own: a node whose transactions are all
/// busy (a night's commits, the deliveries' payload reads) still renews in time.
@Suite("PostgreSQL renewals")
struct PostgresRenewalTests {
    @Test("a lease is renewed while every transaction connection is held by a write")
    func renewalBesideBusyPool() async throws {
        let server = try await SharedPostgres.server()
        let name = SharedPostgres.databaseName()
        let roles = try server.makeGatewayDatabase(name)
        defer { try? server.dropDatabase(name) }
        try PostgresMigrations.migrate(ownerConninfo: roles.owner)
        let store = try PostgresStore(conninfo: roles.gateway, node: "n1", poolSize: 1)
        let lease = try #require(try await store.write { try $0.acquireLease("night", holder: "n1", for: 30) })

        // The one transaction connection held open until the end of the test.
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holder = Thread {
            try? store.write { _ in
                entered.signal()
                release.wait()
            }
        }
        holder.start()
        entered.wait()
        defer { release.signal() }

        let renewed = LockedValue<Bool?>(nil)
        let renewal = Task {
            let outcome = (try? await store.renewal { try $0.renewLease(lease, for: 30) }) ?? false
            renewed.withLock { $0 = outcome }
        }
        #expect(try await eventually(within: .seconds(20)) { renewed.withLock { $0 } != nil }, "the renewal waited for the held transaction")
        release.signal()
        await renewal.value
        #expect(renewed.withLock { $0 } == true)
    }
}
