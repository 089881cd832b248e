import Foundation
import KetenpoortCore
import KetenpoortTesting
import Logging
import ServiceLifecycle
import Store
import StoreSQLite
import Testing

@testable import Gateway

@Suite("Store checkpointer")
struct StoreCheckpointerTests {
    static func entry(_ index: Int) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: String(repeating: "a", count: 32), spanID: String(repeating: "b", count: 16), parentSpanID: nil, activity: "ind-statusvraag",
            callerOIN: "00000001003214369000", purpose: "naturalisatie", caseNumber: "IND-\(index)", subject: "p\(index)", outcome: "bekend",
            at: Date(timeIntervalSince1970: Double(index)))
    }

    /// Appends `count` entries in one commit (from a synchronous context: the call blocks on it).
    static func append(_ count: Int, to store: SQLiteStore) throws {
        try store.processingLog.append((0..<count).map(Self.entry))
    }

    static func size(_ path: String) -> Int { (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0 }

    @Test("the store is copied every interval; the processing log only every processingLogInterval, and at shutdown")
    func processingLogLessOften() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let path = directory.file("s.sqlite").path
        let store = try SQLiteStore(path: path)
        let checkpointer = try #require(try StoreCheckpointer(store: store, interval: .milliseconds(5), processingLogInterval: .seconds(3600)))
        let logFile = SQLiteProcessingLog.path(forStore: path)
        try Self.append(500, to: store)
        try await store.write { try $0.recordScheduled(schedule: "nightly", due: Date(), startedAt: Date(), finishedAt: Date()) }
        let (storeBefore, logBefore) = (Self.size(path), Self.size(logFile))
        let group = ServiceGroup(services: [checkpointer], logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let running = Task { try await group.run() }
        // The store's write is copied into its file by one of the first ticks.
        let deadline = ContinuousClock.now + .seconds(30)
        while Self.size(path) == storeBefore && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(Self.size(path) > storeBefore)
        #expect(Self.size(logFile) == logBefore)
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(Self.size(logFile) > logBefore)
        #expect(try await store.processingLog.processings(subject: "p499").count == 1)
    }
}
