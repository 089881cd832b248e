import Foundation
import KetenpoortCore

/// A `LoadGenerator` run under way: it asks until its end (set when it started, or by `stop()`),
/// and keeps every request's due time, so the results can be split afterwards into windows of
/// when requests were due (before, during and after something the run was measuring).
///
/// ```swift
/// let load = LoadGenerator.start(urls: [url], headers: headers, bodies: bodies, tls: tls, connections: 4, rate: 1_000)
/// // … something happens between `from` and `to` …
/// load.stop()
/// await load.finished()
/// let during = load.result(dueFrom: from, to: to)
/// ```
public final class LoadRun: Sendable {
    /// One request: when it was due, how long until its answer, and whether the answer was not a 200.
    struct Sample: Sendable {
        let due: ContinuousClock.Instant
        let milliseconds: Double
        let isRefused: Bool
    }

    /// When the first request was due.
    public let start: ContinuousClock.Instant
    private let end: LockedValue<ContinuousClock.Instant?>
    private let samples = LockedValue<[Sample]>([])
    /// Left by each connection once it has asked its last request.
    private let connections: DispatchGroup

    init(start: ContinuousClock.Instant, end: ContinuousClock.Instant?, connections: DispatchGroup) {
        self.start = start
        self.end = LockedValue(end)
        self.connections = connections
    }

    /// Whether a request due at `due` is past the end: then its connection stops.
    func hasEnded(at due: ContinuousClock.Instant) -> Bool {
        end.withLock { end in end.map { due >= $0 } ?? false }
    }

    /// Adds a connection's requests, once it has stopped.
    func record(_ connectionSamples: [Sample]) {
        samples.withLock { $0 += connectionSamples }
    }

    /// Ends the run now: no request due from now on is asked. Requests due before (late ones, in
    /// an open loop) are still asked, so a connection may go on a while; see `finished()`.
    public func stop() {
        let now = ContinuousClock.now
        end.withLock { end in end = min(end ?? now, now) }
    }

    /// Returns once every connection has stopped (after `stop()`, or at the end the run was given).
    public func finished() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            connections.notify(queue: .global()) { continuation.resume() }
        }
    }

    /// Blocks until every connection has stopped.
    func waitUntilFinished() {
        connections.wait()
    }

    /// The requests that were due in `from ..< to` (whenever they were answered); `rate` is per
    /// second of that window. Call it once the run has finished.
    public func result(dueFrom from: ContinuousClock.Instant, to: ContinuousClock.Instant) -> LoadGenerator.Result {
        let window = samples.withLock { all in all.filter { $0.due >= from && $0.due < to } }
        return Self.result(window, seconds: LoadGenerator.seconds(to - from))
    }

    /// The requests due in `from ..< to`, in consecutive windows of `every` (the last one shorter),
    /// each with its start as an offset from `from`: where in a long window the slow answers were.
    public func series(dueFrom from: ContinuousClock.Instant, to: ContinuousClock.Instant, every: Duration) -> [(
        offset: Duration, result: LoadGenerator.Result
    )] {
        var windows: [(offset: Duration, result: LoadGenerator.Result)] = []
        var start = from
        while start < to {
            let end = min(start + every, to)
            windows.append((start - from, result(dueFrom: start, to: end)))
            start = end
        }
        return windows
    }

    /// Every request of the run, its rate over `duration` or, when the last answer came later,
    /// until that answer: the connections' own ends (a thread joining) are not the server's time.
    func result(over duration: Duration) -> LoadGenerator.Result {
        let all = samples.withLock { $0 }
        let lastAnswer = all.map { $0.due + .seconds($0.milliseconds / 1000) }.max() ?? start
        return Self.result(all, seconds: LoadGenerator.seconds(max(duration, lastAnswer - start)))
    }

    private static func result(_ samples: [Sample], seconds: Double) -> LoadGenerator.Result {
        LoadGenerator.Result(
            requests: samples.count, failures: samples.count { $0.isRefused }, seconds: seconds, latencies: samples.map(\.milliseconds).sorted())
    }
}
