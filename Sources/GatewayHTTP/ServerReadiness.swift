import KetenpoortCore

/// The bound port of a server, for callers that wait for it to start.
public final class ServerReadiness: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case running(Int)
        case failed(any Error)
    }

    private let state = LockedValue(State.waiting([]))

    public init() {}

    /// The port once the server listens; throws if it failed to start or has ended.
    public func port() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let immediate: Result<Int, any Error>? = state.withLock { state in
                switch state {
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                case .running(let port): return .success(port)
                case .failed(let error): return .failure(error)
                }
            }
            if let immediate { continuation.resume(with: immediate) }
        }
    }

    /// Records the port and wakes the waiters.
    public func resolve(port: Int) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = state else { return [] }
            state = .running(port)
            return waiters
        }
        waiters.forEach { $0.resume(returning: port) }
    }

    /// Records that the server is not (or no longer) listening and fails the waiters.
    public func fail(_ error: any Error) {
        let waiters = state.withLock { state -> [CheckedContinuation<Int, any Error>] in
            defer { state = .failed(error) }
            guard case .waiting(let waiters) = state else { return [] }
            return waiters
        }
        waiters.forEach { $0.resume(throwing: error) }
    }
}
