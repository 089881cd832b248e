import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import ServiceLifecycle
import Store
import Testing

/// A store whose first transaction (read or write) fails, as on a database that
/// restarts or gives up a transaction.
private struct OnceFailingStore: Store {
    let inner: any Store
    let failures = LockedValue(1)

    struct Unavailable: Error {}

    @available(*, noasync)
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try failOnce()
        return try inner.write(body)
    }
    @available(*, noasync)
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try failOnce()
        return try inner.read(body)
    }
    func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try failOnce()
        return try await inner.write(body)
    }
    func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try failOnce()
        return try await inner.read(body)
    }
    private func failOnce() throws {
        let fail = failures.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw Unavailable() }
    }
    var processingLog: any ProcessingLog { inner.processingLog }
    var duoStatus: any DuoStatusStore { inner.duoStatus }
}

@Suite("Delivery after a store error")
struct DeliveryRestartTests {
    @Test("a store error stops delivery for a moment, not the gateway: the worker starts again and delivers every batch")
    func startsAgain() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let client = CurlClient()
        let store = OnceFailingStore(inner: fixture.runtime.store)
        let worker = DeliveryWorker(store: store, configuration: fixture.runtime.configuration, client: client)
        let group = ServiceGroup(
            configuration: .init(services: [.init(service: worker)], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }))
        let ended = LockedValue(false)
        let running = Task {
            defer { ended.withLock { $0 = true } }
            try await group.run()
        }
        let delivered = try await eventually(within: .seconds(300)) {
            if ended.withLock({ $0 }) { return true }
            return try fixture.batches().filter { $0.status == .delivered }.count == report.batches.count
        }
        #expect(store.failures.withLock { $0 } == 0, "the store failed once")
        #expect(!ended.withLock { $0 }, "the gateway's services still run")
        #expect(delivered, "every batch delivered after the worker started again")
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        await client.shutdown()
    }
}
