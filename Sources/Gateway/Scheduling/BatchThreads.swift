import Foundation
import KetenpoortCore

/// The threads `BatchWork` runs on, kept a while for the next piece of batch work instead of ending
/// with each: a night's delivery hands several short steps per batch (claim, read, digest, record)
/// to batch priority, and a thread started and ended for each cost the process a `clone`, a stack
/// mapped and unmapped — each taking the address space's lock that every page fault of the
/// process, the IND's answers' among them, also needs.
///
/// A thread only ever runs batch work at the priority it started with: kept threads are grouped by
/// the priority asked and the nice value of the thread that asked (a lowered thread's niceness is
/// never less than its starter's). At most `keptPerGroup` wait per group, each for `keptFor`; then
/// the thread ends. As many are kept as the delivery worker has attempts in flight (16), whose
/// steps overlap: with fewer kept, a night of 342 deliveries started a hundred threads.
///
/// `@unchecked Sendable`: `waiting` and `ended` are only touched while `lock` is held.
final class BatchThreads: @unchecked Sendable {
    static let shared = BatchThreads()

    /// Threads kept waiting per group.
    let keptPerGroup: Int
    /// How long a kept thread waits for work before it ends.
    let keptFor: DispatchTimeInterval

    init(keptFor: DispatchTimeInterval = .seconds(30), keptPerGroup: Int = 16) {
        self.keptFor = keptFor
        self.keptPerGroup = keptPerGroup
    }

    private struct Group: Hashable {
        let priority: ThreadPriority
        let starterNiceness: Int32
    }

    /// A thread waiting for work; `work` is set, under `lock`, before `wake` is signalled.
    private final class Waiting {
        var work: (@Sendable () -> Void)?
        let wake = DispatchSemaphore(value: 0)
    }

    private let lock = NSLock()
    private var waiting: [Group: [Waiting]] = [:]
    private var ended = 0

    /// Runs `work` at `priority` on a kept thread of its group, or on a new one.
    func run(at priority: ThreadPriority, _ work: @escaping @Sendable () -> Void) {
        let group = Group(priority: priority, starterNiceness: ThreadPriority.currentNiceness)
        let kept = lock.withLock { () -> Waiting? in
            guard let thread = waiting[group]?.popLast() else { return nil }
            thread.work = work
            return thread
        }
        if let kept {
            kept.wake.signal()
            return
        }
        let thread = Thread { [self] in
            ThreadName.setCurrent("kp-batch")
            priority.apply()
            var next: (@Sendable () -> Void)? = work
            while let work = next {
                work()
                next = waitForWork(in: group)
            }
            lock.withLock { ended += 1 }
        }
        thread.start()
    }

    /// The number of threads waiting in all groups (for tests).
    var waitingCount: Int { lock.withLock { waiting.values.reduce(0) { $0 + $1.count } } }

    /// The number of threads that have ended (for tests).
    var endedCount: Int { lock.withLock { ended } }

    /// Waits, as a kept thread of `group`, for the next work; nil when the group keeps enough
    /// threads already or none came in time (the thread then ends).
    private func waitForWork(in group: Group) -> (@Sendable () -> Void)? {
        let me = Waiting()
        let isKept = lock.withLock { () -> Bool in
            guard waiting[group, default: []].count < keptPerGroup else { return false }
            waiting[group, default: []].append(me)
            return true
        }
        guard isKept else { return nil }
        if me.wake.wait(timeout: .now() + keptFor) == .timedOut {
            let gaveUp = lock.withLock { () -> Bool in
                guard let index = waiting[group]?.firstIndex(where: { $0 === me }) else { return false }
                waiting[group]?.remove(at: index)
                return true
            }
            if gaveUp { return nil }
            // Handed work just as the wait ran out: its signal is on the way.
            me.wake.wait()
        }
        return lock.withLock { me.work }
    }
}
