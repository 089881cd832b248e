import Foundation

/// A second batch thread for one step of a job, so that the job uses both cores: the job's own
/// thread hands it one piece of work at a time and takes the results back in order, doing its own
/// part (reading the next piece, storing the last result) meanwhile.
///
/// ```swift
/// let render = BatchSideThread { (chunk: [DuoStatus]) in try renderer.lines(of: chunk) }
/// for chunk in chunks { if let lines = try render.handOver(chunk) { try store(lines) } }
/// if let lines = try render.finish() { try store(lines) }
/// ```
///
/// The step runs as batch work (`BatchWork`: on a kept batch thread, at batch priority). One thread
/// uses an instance; the step itself must be safe to run on another thread (`@Sendable`).
/// `@unchecked Sendable`: `result` is written by the side thread before it signals `done`, and
/// read by the job's thread only after waiting for that signal.
public final class BatchSideThread<Input: Sendable, Output: Sendable>: @unchecked Sendable {
    private let step: @Sendable (Input) throws -> Output
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Output, any Error>?
    private var isRunning = false

    public init(_ step: @escaping @Sendable (Input) throws -> Output) {
        self.step = step
    }

    deinit {
        // A job that stopped early (it threw) still waits for the piece in hand: the step may use
        // what the job's thread is about to release.
        if isRunning { done.wait() }
    }

    /// Starts the step on `input` and returns the result of the piece handed over before it
    /// (waiting for it), or nil when this is the first. Rethrows what that step threw.
    public func handOver(_ input: Input) throws -> Output? {
        let previous = try finish()
        isRunning = true
        BatchWork.start { [self] in
            result = Result { try step(input) }
            done.signal()
        }
        return previous
    }

    /// Waits for the piece in hand and returns its result, or nil when none is in hand.
    public func finish() throws -> Output? {
        guard isRunning else { return nil }
        done.wait()
        isRunning = false
        defer { result = nil }
        return try result!.get()
    }
}
