import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A thread of normal scheduling policy that wakes others on behalf of batch threads.
///
/// Batch threads may run under `SCHED_IDLE` (`BatchPolicy.idle`), and on Linux a thread inherits
/// its creator's policy. libdispatch starts its workers — Swift's cooperative pool among them —
/// from whichever thread enqueues work when it needs one more; a batch thread that resumed a
/// continuation itself could so make the pool, and every request handler on it, idle-class for
/// good (an unprivileged thread cannot leave `SCHED_IDLE`, nor lower its nice value). So a thread
/// running below normal — idle-class, or at a nice value above 0 (`BatchPolicy.nice`, a moment
/// `BatchFloor` lifts it) — never enqueues work itself: it hands the wake-up (a continuation's
/// resume, a timer's start) to this thread.
///
/// The relay is started from a thread of normal policy (`prepare()`, before the first batch thread
/// starts). Started from a lowered thread, it puts itself back at normal where the system allows
/// that; where not, `handOff` runs its work at once.
public final class NormalPolicyRelay: @unchecked Sendable {
    private static let shared = NormalPolicyRelay()

    /// Only touched while `condition` is locked.
    private let condition = NSCondition()
    private var queued: [@Sendable () -> Void] = []
    /// False when the relay's own thread runs below normal (started from a batch thread after all):
    /// then handing off would not help, and work runs where it is handed off.
    private let isUsable = LockedValue(true)

    private init() {
        let started = DispatchSemaphore(value: 0)
        Thread { [self] in
            ThreadName.setCurrent("kp-relay")
            // Started from a lowered thread after all (no `prepare()` before): normal again
            // where the system allows it.
            let isNormal = ThreadPriority.tryRestoringNormal()
            isUsable.withLock { $0 = isNormal }
            started.signal()
            relay()
        }.start()
        started.wait()
    }

    /// Starts the relay if it has not started; call from a thread of normal policy before a batch
    /// thread may need it.
    public static func prepare() { _ = shared }

    /// Runs `work` on the relay when the calling thread runs below normal, at once otherwise.
    public static func handOff(_ work: @escaping @Sendable () -> Void) {
        guard ThreadPriority.isCurrentThreadLowered, shared.isUsable.withLock({ $0 }) else { return work() }
        shared.condition.lock()
        shared.queued.append(work)
        shared.condition.signal()
        shared.condition.unlock()
    }

    /// Runs `body` as `handOff` does and waits for its result (for blocking callers).
    public static func runAndWait<T>(_ body: () throws -> T) rethrows -> T {
        guard ThreadPriority.isCurrentThreadLowered, shared.isUsable.withLock({ $0 }) else { return try body() }
        return try withoutActuallyEscaping(body) { body in
            // Held in a box the relay empties before it answers: the relay may still hold the
            // handed-off work a moment after the signal, and `body` must not outlive this call.
            nonisolated(unsafe) var work: (() throws -> T)? = body
            nonisolated(unsafe) var result: Result<T, any Error>?
            let done = DispatchSemaphore(value: 0)
            handOff {
                result = Result { try work!() }
                work = nil
                done.signal()
            }
            done.wait()
            return try result!.get()
        }
    }

    private func relay() {
        while true {
            condition.lock()
            while queued.isEmpty { condition.wait() }
            let work = queued
            queued.removeAll(keepingCapacity: true)
            condition.unlock()
            for item in work { item() }
        }
    }
}
