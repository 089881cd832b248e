import Foundation
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
        url: URL, headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings, connections: Int, rate: Double?,
        duration: Duration
    ) -> Result {
        precondition(!bodies.isEmpty && connections > 0)
        let start = ContinuousClock.now
        let end = start + duration
        let results = LockedValue<[(latencies: [Double], failures: Int)]>([])
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            let thread = Thread {
                let easy = CurlEasyHandle(maximumResponseSize: 1 << 20)
                let control = TransferControl()
                var latencies: [Double] = []
                latencies.reserveCapacity(1 << 16)
                var failures = 0
                // Each connection takes every `connections`-th slot of the common schedule.
                let interval = rate.map { Duration.seconds(Double(connections) / $0) }
                var due = start + (interval.map { $0 * Double(connection) / Double(connections) } ?? .zero)
                var index = connection
                while true {
                    if let interval {
                        let now = ContinuousClock.now
                        if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
                    } else {
                        due = ContinuousClock.now
                    }
                    if due >= end { break }
                    let request = CurlRequest(
                        url: url, headers: headers, body: bodies[index % bodies.count], tls: tls, timeout: .seconds(10), connectTimeout: .seconds(5))
                    switch easy.perform(request, control: control) {
                    case .success(let response) where response.status == 200: break
                    default: failures += 1
                    }
                    latencies.append(Self.seconds(ContinuousClock.now - due) * 1000)
                    index += connections
                    if let interval { due += interval }
                }
                results.withLock { $0.append((latencies, failures)) }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let seconds = Self.seconds(ContinuousClock.now - start)
        let all = results.withLock { $0 }
        return Result(
            requests: all.map(\.latencies.count).reduce(0, +), failures: all.map(\.failures).reduce(0, +), seconds: seconds,
            latencies: all.flatMap(\.latencies).sorted())
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
