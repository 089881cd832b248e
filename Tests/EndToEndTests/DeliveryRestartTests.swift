import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import ServiceLifecycle
import Store
import Testing

@Suite("Delivery after a store error")
struct DeliveryRestartTests {
    @Test("a store error stops delivery for a moment, not the gateway: the worker starts again and delivers every batch")
    func startsAgain() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let report = try fixture.sync("tvs-export-20261121.csv")
        let client = CurlClient()
        let store = FailingStore(fixture.runtime.store)
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
