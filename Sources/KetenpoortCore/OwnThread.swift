import Foundation

/// Blocking work (a commit, a file read, a child process) run from async code on a thread of its
/// own, so it never holds one of Swift's few cooperative threads.
public enum OwnThread {
    /// Runs `body` on a new thread and returns its result.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<T, any Error>) in
            Thread { done.resume(with: Result { try body() }) }.start()
        }
    }
}
