import Foundation
import KetenpoortCore

#if canImport(Glibc)
    import Glibc
#endif

/// Batch work — a night's sync, a DUO ingest, a CBS delivery, a retention run — on a thread of its
/// own at batch priority (`ThreadPriority.batch`: `SCHED_IDLE` under `ketenpoort run`, nice 10 in
/// other commands — see `BatchPolicy`; per thread on Linux, and threads the job starts inherit it). On two cores the night and the IND's answers share the CPU:
/// the answers' threads take a core whenever they want one, and the night takes what is left,
/// which is most of it. A batch thread only ever runs batch work (kept a while for the next, see
/// `BatchThreads`), so no other work runs at the lowered priority, and its result is handed back
/// through `NormalPolicyRelay`.
///
/// ```swift
/// let report = try await BatchWork.run { try sync.run(input: snapshot) }
/// ```
public enum BatchWork {
    /// Runs `body` on a lowered-priority thread and returns (or throws) what it did.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            start {
                let result = Result { try body() }
                NormalPolicyRelay.handOff { continuation.resume(with: result) }
            }
        }
    }

    /// Runs `body` on a lowered-priority thread and waits for it (for callers already off the
    /// cooperative pool).
    public static func runAndWait<T>(_ body: @escaping () throws -> T) -> Result<T, any Error> {
        nonisolated(unsafe) var result: Result<T, any Error>?
        nonisolated(unsafe) let body = body
        let done = DispatchSemaphore(value: 0)
        start {
            result = Result { try body() }
            done.signal()
        }
        done.wait()
        return result!
    }

    /// Runs `work` on a lowered-priority thread, without waiting for it.
    static func start(_ work: @escaping @Sendable () -> Void) {
        NormalPolicyRelay.prepare()
        BatchThreads.shared.run(at: ThreadPriority.batch, work)
    }
}
