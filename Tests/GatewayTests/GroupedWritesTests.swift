import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

@testable import Gateway

@Suite("Grouped writes (delivery attempts recorded together)")
struct GroupedWritesTests {
    private struct Refused: Error {}

    /// Holds the first write in its transaction (a store thread, so it blocks) until `release`,
    /// so the test can queue others behind it.
    private final class BlockingGate: @unchecked Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func release() { semaphore.signal() }
    }

    private static func entry(_ audit: AuditChain, _ name: String) -> GroupedWrites.Write {
        { tx in _ = try audit.append(.deadLettered(batch: BatchID(name), attempts: 1, reason: "test"), in: tx) }
    }

    /// A store whose first grouped write is held in its transaction until `gate` is released.
    private struct HeldFirst {
        let store: CountingStore
        let audit = AuditChain(signer: nil, clock: SystemWallClock())
        let writes: GroupedWrites
        let gate = BlockingGate()
        let first: Task<Void, any Error>

        /// Opens the gate and waits until the first write has committed.
        func release() async throws {
            gate.release()
            try await first.value
        }

        init(in directory: TempDirectory) async throws {
            let store = CountingStore(try SQLiteStore(path: directory.file("ketenpoort.sqlite").path))
            let writes = GroupedWrites(store: store)
            let (audit, gate) = (self.audit, self.gate)
            self.store = store
            self.writes = writes
            first = Task {
                try await writes.write { tx in
                    gate.wait()
                    try GroupedWritesTests.entry(audit, "first")(tx)
                }
            }
            #expect(try await eventually { store.writes == 1 })
        }
    }

    @Test("writes that arrive while one commits go together in the next transaction; each returns once it is committed")
    func grouped() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let held = try await HeldFirst(in: directory)
        let others = (0..<10).map { index in Task { try await held.writes.write(Self.entry(held.audit, "b\(index)")) } }
        #expect(try await eventually { held.writes.waitingCount == 10 })
        try await held.release()
        for other in others { try await other.value }
        #expect(held.store.writes == 2)
        #expect(try await held.store.read { try $0.lastAuditEntry()?.seq } == 11)
    }

    @Test("a write that throws fails only its own caller: the group is redone one write per transaction")
    func failureStaysWithItsWrite() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let held = try await HeldFirst(in: directory)
        let good = (0..<3).map { index in Task { try await held.writes.write(Self.entry(held.audit, "g\(index)")) } }
        let bad = Task { try await held.writes.write { _ in throw Refused() } }
        #expect(try await eventually { held.writes.waitingCount == 4 })
        try await held.release()
        for task in good { try await task.value }
        await #expect(throws: Refused.self) { try await bad.value }
        #expect(try await held.store.read { try $0.lastAuditEntry()?.seq } == 4)
        // The first alone, the failed group, then each of the four again.
        #expect(held.store.writes == 6)
    }
}
