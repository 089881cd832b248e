import Foundation
import KetenpoortCore
import ServiceLifecycle
import Store

/// Runs small store writes from many concurrent requests on one thread of its own, committing
/// whatever is waiting in one transaction (one fsync for many requests), and lets each request
/// wait for the commit that holds its write. A failed commit fails every write in it.
///
/// Blocking SQLite work stays off the Swift cooperative pool, and throughput does not fall with
/// the disk's fsync time. Run it as a `Service`: a graceful shutdown commits what is waiting.
///
/// `@unchecked Sendable`: `waiting` and `isStopped` are only touched while `condition` is locked.
public final class GroupCommitWriter: Service, @unchecked Sendable {
    public typealias Write = @Sendable (any StoreTransaction) throws -> Void

    private struct Waiting {
        let write: Write
        let done: CheckedContinuation<Void, any Error>
    }

    private let store: any Store
    private let condition = NSCondition()
    private var waiting: [Waiting] = []
    private var isStopped = false
    /// The most writes committed together (for the benchmark's report).
    private var largestGroup = 0

    public init(store: any Store) {
        self.store = store
        let thread = Thread { [self] in self.work() }
        thread.name = "ketenpoort-group-commit"
        thread.start()
    }

    /// Runs `write` in the next commit and returns once that commit is durable; throws when it failed.
    public func write(_ write: @escaping Write) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            condition.lock()
            guard !isStopped else {
                condition.unlock()
                done.resume(throwing: KetenpoortError(.storeUnavailable, "the store writer has stopped"))
                return
            }
            waiting.append(Waiting(write: write, done: done))
            condition.signal()
            condition.unlock()
        }
    }

    /// Waits for a graceful shutdown, then commits what is waiting and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }

    /// Refuses new writes; those already waiting are still committed.
    public func stop() {
        condition.lock()
        isStopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The most writes one commit has held so far.
    public var largestCommitGroup: Int {
        condition.lock()
        defer { condition.unlock() }
        return largestGroup
    }

    private func work() {
        while true {
            condition.lock()
            while waiting.isEmpty && !isStopped { condition.wait() }
            if waiting.isEmpty {
                condition.unlock()
                return
            }
            let group = waiting
            waiting.removeAll(keepingCapacity: true)
            largestGroup = max(largestGroup, group.count)
            condition.unlock()
            do {
                try store.write { tx in for item in group { try item.write(tx) } }
                for item in group { item.done.resume() }
            } catch {
                for item in group { item.done.resume(throwing: error) }
            }
        }
    }
}
