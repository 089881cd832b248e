import Foundation
import HTTPClient
import KetenpoortCore

/// Drives an HTTPS endpoint for a benchmark: `connections` threads, each with one keep-alive
/// libcurl handle, POST the given bodies in turn, either as fast as answers come (closed loop) or
/// on a fixed schedule (open loop: latency is measured from the moment a request was due, so a
/// slow server cannot hide its queueing).
public enum LoadGenerator {
    public struct Result: Sendable {
        public let requests: Int
        /// Answers other than 200, and transfers that failed.
        public let failures: Int
        public let seconds: Double
        /// Latencies in milliseconds, sorted.
        public let latencies: [Double]

        public var rate: Double { Double(requests) / seconds }

        /// The latency at quantile `q` (0…1), in milliseconds.
        public func latency(quantile q: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let rank = Int((Double(latencies.count) * q).rounded(.up)) - 1
            return latencies[min(latencies.count - 1, max(0, rank))]
        }
    }

    /// Runs for `duration`; `rate` (requests per second, all connections together) nil means closed loop.
    public static func run(
        urls: [URL], headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings, connections: Int, rate: Double?,
        duration: Duration, timeout: Duration = .seconds(10), niceness: Int32? = nil
    ) -> Result {
        runKeeping(
            urls: urls, headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: duration, timeout: timeout,
            niceness: niceness
        ).result
    }

    /// `run`, also giving the finished run: its samples can be looked at by window (`LoadRun.series`).
    public static func runKeeping(
        urls: [URL], headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings, connections: Int, rate: Double?,
        duration: Duration, timeout: Duration = .seconds(10), niceness: Int32? = nil
    ) -> (result: Result, run: LoadRun) {
        let load = start(
            urls: urls, headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: duration, timeout: timeout,
            niceness: niceness)
        load.waitUntilFinished()
        return (load.result(over: duration), load)
    }

    /// Opens every connection (TLS handshake, first request), then starts the clock and returns
    /// while the connections ask: until `duration` has passed, or, without one, until `LoadRun.stop()`.
    ///
    /// - Parameters:
    ///   - urls: where to ask; connection `i` asks `urls[i % urls.count]` (several gateway nodes
    ///     sharing the load, as a load balancer would spread connections).
    ///   - rate: requests per second, all connections together; nil means closed loop.
    ///   - timeout: a request not answered by then counts as failed (its connection opens anew).
    ///   - niceness: the connections' threads' nice value (Linux: per thread), e.g. -10 so that on a
    ///     machine shared with the server they wake when a request is due; nil keeps the caller's.
    public static func start(
        urls: [URL], headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings, connections: Int, rate: Double?,
        duration: Duration? = nil, timeout: Duration = .seconds(10), niceness: Int32? = nil
    ) -> LoadRun {
        precondition(!bodies.isEmpty && !urls.isEmpty && connections > 0)
        // Every connection is opened (TLS handshake, first question) before the clock starts:
        // what is measured is the steady state, not 16 handshakes at once.
        let ready = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let started = LockedValue<LoadRun?>(nil)
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            ready.enter()
            let thread = Thread {
                ThreadName.setCurrent("kp-load-\(connection)")
                if let niceness { ThreadPriority.setNiceness(niceness) }
                let handle = KeepAliveConnection(
                    url: urls[connection % urls.count], headers: headers, tls: tls, timeout: timeout, connectTimeout: .seconds(5))
                _ = handle.post(bodies[connection % bodies.count])
                ready.leave()
                go.wait()
                let run = started.withLock { $0! }
                var samples: [LoadRun.Sample] = []
                samples.reserveCapacity(1 << 16)
                // Each connection takes every `connections`-th slot of the common schedule.
                let interval = rate.map { Duration.seconds(Double(connections) / $0) }
                var due = run.start + (interval.map { $0 * Double(connection) / Double(connections) } ?? .zero)
                var index = connection
                while true {
                    if interval == nil { due = ContinuousClock.now }
                    // Checked before waiting: a connection does not sleep past the end for a request it will not ask.
                    if run.hasEnded(at: due) { break }
                    if interval != nil {
                        let now = ContinuousClock.now
                        if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
                        // `stop()` may have come while this connection waited.
                        if run.hasEnded(at: due) { break }
                    }
                    let status = handle.post(bodies[index % bodies.count])
                    samples.append(LoadRun.Sample(due: due, milliseconds: Self.seconds(ContinuousClock.now - due) * 1000, isRefused: status != 200))
                    index += connections
                    if let interval { due += interval }
                }
                run.record(samples)
                group.leave()
            }
            thread.start()
        }
        ready.wait()
        let now = ContinuousClock.now
        started.withLock { $0 = LoadRun(start: now, end: duration.map { now + $0 }, connections: group) }
        for _ in 0..<connections { go.signal() }
        return started.withLock { $0! }
    }

    static func seconds(_ duration: Duration) -> Double {
        duration.seconds
    }
}
