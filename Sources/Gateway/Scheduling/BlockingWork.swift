import Dispatch

/// Blocking work — SQLite commits and their fsync, reading a batch, a whole scheduled job — run on
/// threads outside Swift's cooperative pool. That pool has as many threads as cores (two here):
/// work blocked on it stalls every task of the process, the API's answers among them.
///
/// ```swift
/// let due = try await BlockingWork.run { try store.read { try $0.schedule(status: .pending) } }
/// ```
public enum BlockingWork {
    /// Runs `body` on a blocking-work thread and returns (or throws) what it did.
    ///
    /// Each call gets a serial queue of its own: such queues are served by Dispatch's overcommitting
    /// threads, so a long job (a night's sync) never makes a short store call wait for a thread, as
    /// a shared concurrent queue (one thread per core) would.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "ketenpoort.blocking-work").async { continuation.resume(with: Result { try body() }) }
        }
    }
}
