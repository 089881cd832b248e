import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@testable import Gateway

#if canImport(Glibc)
    import Glibc
#endif

/// Threads are kept an hour here, so a state the test waits for lasts: in a loaded `make test` the
/// waiting task can get no thread of the cooperative pool for longer than the 30 s of the gateway.
@Suite("Batch threads (kept for the next piece of batch work)")
struct BatchThreadsTests {
    /// Runs `body` on `threads` at `priority` and waits for what it returned.
    private static func run<T: Sendable>(on threads: BatchThreads, at priority: ThreadPriority = .lowered, _ body: @escaping @Sendable () -> T) -> T {
        let result = LockedValue<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        threads.run(at: priority) {
            result.withLock { $0 = body() }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    /// The calling thread (a live thread's id is its own; the test keeps those it compares alive).
    private static var threadID: UInt { UInt(pthread_self()) }

    private static var niceness: Int32 { ThreadPriority.currentNiceness }

    @Test("the thread that ran a piece of batch work runs the next, still at the priority asked")
    func reused() async throws {
        let threads = BatchThreads(keptFor: .seconds(3600))
        let first = Self.run(on: threads) { (Self.threadID, Self.niceness) }
        #expect(try await eventually { threads.waitingCount == 1 }, "the thread waits for more work")
        let second = Self.run(on: threads) { (Self.threadID, Self.niceness) }
        #expect(second.0 == first.0, "the same thread")
        #expect(
            first.1 >= ThreadPriority.batchNiceness && second.1 >= ThreadPriority.batchNiceness, "both at batch niceness: \(first.1), \(second.1)")
        #expect(first.0 != Self.threadID)
    }

    @Test("a thread is kept only for work of the priority it started with")
    func groupedByPriority() async throws {
        let threads = BatchThreads(keptFor: .seconds(3600))
        let lowered = Self.run(on: threads, at: .lowered) { Self.threadID }
        #expect(try await eventually { threads.waitingCount == 1 })
        let raised = Self.run(on: threads, at: .niceness(5)) { (Self.threadID, Self.niceness) }
        #expect(raised.0 != lowered, "another thread")
        #expect(raised.1 == 5)
    }

    /// Starts `count` pieces of work at once on `threads`, each running `body` once all have started.
    private static func startTogether(_ count: Int, on threads: BatchThreads, _ body: @escaping @Sendable () -> Void) {
        let started = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        for _ in 0..<count {
            threads.run(at: .lowered) {
                started.signal()
                release.wait()
                body()
            }
        }
        for _ in 0..<count { started.wait() }
        for _ in 0..<count { release.signal() }
    }

    @Test("work that batch work starts and waits for runs, however many wait so")
    func nested() async throws {
        let threads = BatchThreads(keptFor: .seconds(3600))
        // Six at once, each waiting for work it starts itself: none may wait for a kept thread.
        let finished = DispatchSemaphore(value: 0)
        Self.startTogether(6, on: threads) {
            precondition(Self.run(on: threads) { 1 } == 1)
            finished.signal()
        }
        for _ in 0..<6 { finished.wait() }
    }

    @Test("after six pieces of work at once, four of their threads stay waiting, the others end")
    func bounded() async throws {
        let threads = BatchThreads(keptFor: .seconds(3600), keptPerGroup: 4)
        Self.startTogether(6, on: threads) {}
        #expect(try await eventually { threads.waitingCount == 4 })
        // One of them runs the next piece, and waits again.
        _ = Self.run(on: threads) { 1 }
        #expect(try await eventually { threads.waitingCount == 4 })
    }

    @Test("a kept thread that gets no work ends")
    func ends() async throws {
        let threads = BatchThreads(keptFor: .milliseconds(50))
        _ = Self.run(on: threads) { 1 }
        // Ended, not merely not yet waiting: the count of waiting threads is 0 before it waits too.
        #expect(try await eventually { threads.endedCount == 1 })
        #expect(threads.waitingCount == 0)
    }
}
