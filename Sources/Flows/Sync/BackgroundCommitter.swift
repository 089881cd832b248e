import Foundation

/// Runs a sync's store transactions on a thread of its own, one after another in the order given,
/// while the caller prepares the next one: sealing (CPU) and committing (the store's I/O and
/// fsync) overlap instead of taking turns. At most one transaction waits behind the running one,
/// so memory stays bounded by two groups of batches.
///
/// The first failure is kept: the next `submit` or `finish` throws it, and nothing after it runs.
///
/// `@unchecked Sendable`: `failure` is only touched under `lock`; the work runs on `queue` only.
final class BackgroundCommitter: @unchecked Sendable {
    private let queue = DispatchQueue(label: "ketenpoort.sync.commit")
    /// One token per transaction that may be queued beside the running one.
    private let room = DispatchSemaphore(value: 1)
    private let lock = NSLock()
    private var failure: (any Error)?
    /// Seconds the queue spent running work (for the phase log).
    private(set) var busySeconds = 0.0

    /// Queues `work`; waits while a transaction is already queued behind the running one.
    func submit(_ work: @escaping () throws -> Void) throws {
        room.wait()
        if let failure = lock.withLock({ failure }) {
            room.signal()
            throw failure
        }
        nonisolated(unsafe) let work = work
        queue.async {
            defer { self.room.signal() }
            guard self.lock.withLock({ self.failure == nil }) else { return }
            let start = Date()
            do { try work() } catch { self.lock.withLock { self.failure = error } }
            self.busySeconds += Date().timeIntervalSince(start)
        }
    }

    /// Waits until everything submitted has run; throws the first failure.
    func finish() throws {
        waitUntilIdle()
        if let failure = lock.withLock({ failure }) { throw failure }
    }

    /// Waits until everything submitted has run (when the caller gives up on an error of its own).
    func waitUntilIdle() {
        queue.sync {}
    }
}
