import Foundation
import KetenpoortCore

/// A task executor that runs each job on a thread of Dispatch's and notes the threads that enqueued
/// one while running under `SCHED_IDLE`.
public final class EnqueueRecorder: TaskExecutor, @unchecked Sendable {
    private let lock = NSLock()
    private var idle: [String] = []
    private var count = 0

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let isIdle = ThreadPriority.isCurrentThreadIdle
        let name = isIdle ? ((try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "?") : ""
        lock.withLock {
            count += 1
            if isIdle { idle.append(name.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        let job = UnownedJob(job)
        DispatchQueue.global().async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// How many jobs were enqueued: the task's start, and each resumption after it suspended.
    public var enqueuedCount: Int { lock.withLock { count } }
    /// The names of the idle-class threads that enqueued a job.
    public var idleEnqueuers: [String] { lock.withLock { idle } }
}
