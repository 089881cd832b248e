import Dispatch

/// Blocking work — SQLite commits and their fsync, reading a batch, a whole scheduled job — run on
/// threads outside Swift's cooperative pool. That pool has as many threads as cores (two here):
/// work blocked on it stalls every task of the process, the API's answers among them.
///
/// ```swift
/// let due = try await BlockingWork.run { try store.read { try $0.schedule(status: .pending) } }
/// ```
public enum BlockingWork {
    private static let queue = DispatchQueue(label: "ketenpoort.blocking-work", attributes: .concurrent)

    /// Runs `body` on a blocking-work thread and returns (or throws) what it did.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try body() }) }
        }
    }
}
