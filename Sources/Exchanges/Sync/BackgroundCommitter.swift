import Foundation
import Gateway
import KetenpoortCore

/// Runs a sync's store transactions on a thread of its own, one after another in the order given,
/// while the caller prepares the next one: sealing (CPU) and committing (the store's I/O and
/// fsync) overlap instead of taking turns. At most one transaction waits behind the running one,
/// so memory stays bounded by two groups of batches. The thread is started by the caller's, so it
/// keeps its priority (`BatchWork`), and ends with `finish` or `waitUntilIdle`.
///
/// The first failure is kept: the next `submit` or `finish` throws it, and nothing after it runs.
///
/// `@unchecked Sendable`: every stored property is only touched while `condition` is locked.
final class BackgroundCommitter: @unchecked Sendable {
    private let condition = NSCondition()
    private var waiting: (() throws -> Void)?
    private var isRunning = false
    private var isClosed = false
    private var failure: (any Error)?
    private var thread: Thread?
    private var busy = 0.0

    /// Seconds the thread spent running work (for the phase log).
    var busySeconds: Double {
        condition.lock()
        defer { condition.unlock() }
        return busy
    }

    /// Queues `work`; waits while a transaction is already queued behind the running one.
    func submit(_ work: @escaping () throws -> Void) throws {
        condition.lock()
        defer { condition.unlock() }
        while waiting != nil && failure == nil { condition.wait() }
        if let failure { throw failure }
        waiting = work
        if thread == nil {
            let thread = Thread { [self] in
                ThreadName.setCurrent("kp-sync-commit")
                loop()
            }
            self.thread = thread
            thread.start()
        }
        condition.broadcast()
    }

    /// Waits until everything submitted has run; throws the first failure.
    func finish() throws {
        waitUntilIdle()
        condition.lock()
        defer { condition.unlock() }
        if let failure { throw failure }
    }

    /// Waits until everything submitted has run, and lets the thread end.
    func waitUntilIdle() {
        condition.lock()
        defer { condition.unlock() }
        isClosed = true
        condition.broadcast()
        while (waiting != nil && failure == nil) || isRunning { condition.wait() }
    }

    private func loop() {
        condition.lock()
        while true {
            while waiting == nil && !isClosed { condition.wait() }
            guard var work = waiting, failure == nil else { break }
            waiting = nil
            isRunning = true
            condition.broadcast()
            condition.unlock()
            let start = Date()
            var error: (any Error)?
            do { try work() } catch let thrown { error = thrown }
            // The group's payloads go with its work: freed now, and their pages handed back, so a
            // night's memory does not keep the high-water mark of every thread's malloc arena.
            work = {}
            FreedMemory.returnToSystem()
            condition.lock()
            busy += Date().timeIntervalSince(start)
            if let error { failure = error }
            isRunning = false
            condition.broadcast()
        }
        waiting = nil
        condition.broadcast()
        condition.unlock()
    }
}
