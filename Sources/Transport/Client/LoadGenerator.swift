import CCurl
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
        // Every connection is opened (TLS handshake, first question) before the clock starts:
        // what is measured is the steady state, not 16 handshakes at once.
        let ready = DispatchGroup()
        let go = DispatchSemaphore(value: 0)
        let schedule = LockedValue<(start: ContinuousClock.Instant, end: ContinuousClock.Instant)?>(nil)
        let results = LockedValue<[(latencies: [Double], failures: Int)]>([])
        let group = DispatchGroup()
        for connection in 0..<connections {
            group.enter()
            ready.enter()
            let thread = Thread {
                // One handle set up once (URL, TLS, headers): a request then only sets its body, so
                // the generator spends its share of the machine on TLS, not on libcurl set-up.
                let template = CurlRequest(url: url, headers: headers, body: Data(), tls: tls, timeout: .seconds(10), connectTimeout: .seconds(5))
                let handle = LoadConnection(template: template)
                _ = handle.post(bodies[connection % bodies.count])
                ready.leave()
                go.wait()
                let (start, end) = schedule.withLock { $0! }
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
                    if handle.post(bodies[index % bodies.count]) != 200 { failures += 1 }
                    latencies.append(Self.seconds(ContinuousClock.now - due) * 1000)
                    index += connections
                    if let interval { due += interval }
                }
                results.withLock { $0.append((latencies, failures)) }
                group.leave()
            }
            thread.start()
        }
        ready.wait()
        let start = ContinuousClock.now
        schedule.withLock { $0 = (start, start + duration) }
        for _ in 0..<connections { go.signal() }
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

/// One keep-alive libcurl handle of the load generator, configured once.
private final class LoadConnection {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?

    init(template: CurlRequest) {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
        self.handle = handle
        for line in template.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] { headerList = curl_slist_append(headerList, line) }
        for option in template.options { _ = option.apply(to: handle) }
        _ = kp_curl_easy_setopt_pointer(handle, CURLOPT_HTTPHEADER, headerList)
        _ = kp_curl_easy_setopt_callback(handle, CURLOPT_WRITEFUNCTION, discardBody)
    }

    deinit {
        curl_easy_cleanup(handle)
        curl_slist_free_all(headerList)
    }

    /// POSTs `body`; the HTTP status, or 0 when the transfer failed.
    func post(_ body: Data) -> Int {
        body.withUnsafeBytes { bytes in
            _ = kp_curl_easy_setopt_int64(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(bytes.count))
            _ = kp_curl_easy_setopt_pointer(handle, CURLOPT_POSTFIELDS, bytes.baseAddress)
            guard curl_easy_perform(handle) == CURLE_OK else { return 0 }
            var status = 0
            _ = kp_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
            return status
        }
    }
}

/// CURLOPT_WRITEFUNCTION that keeps nothing.
private func discardBody(_ data: UnsafeMutablePointer<CChar>?, _ size: Int, _ count: Int, _ context: UnsafeMutableRawPointer?) -> Int {
    size * count
}
