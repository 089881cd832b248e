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
        duration: Duration, niceness: Int32? = nil
    ) -> Result {
        let load = start(
            url: url, headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: duration, niceness: niceness)
        load.waitUntilFinished()
        return load.result(seconds: Self.seconds(ContinuousClock.now - load.start))
    }

    /// Opens every connection (TLS handshake, first request), then starts the clock and returns
    /// while the connections ask: until `duration` has passed, or, without one, until `LoadRun.stop()`.
    ///
    /// - Parameters:
    ///   - rate: requests per second, all connections together; nil means closed loop.
    ///   - timeout: a request not answered by then counts as failed (its connection opens anew).
    ///   - niceness: the connections' threads' nice value (Linux: per thread), e.g. -10 so that on a
    ///     machine shared with the server they wake when a request is due; nil keeps the caller's.
    public static func start(
        url: URL, headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings, connections: Int, rate: Double?,
        duration: Duration? = nil, timeout: Duration = .seconds(10), niceness: Int32? = nil
    ) -> LoadRun {
        precondition(!bodies.isEmpty && connections > 0)
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
                // One handle set up once (URL, TLS, headers): a request then only sets its body, so
                // the generator spends its share of the machine on TLS, not on libcurl set-up.
                let template = CurlRequest(url: url, headers: headers, body: Data(), tls: tls, timeout: timeout, connectTimeout: .seconds(5))
                let handle = LoadConnection(template: template)
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
                    if interval != nil {
                        let now = ContinuousClock.now
                        if due > now { Thread.sleep(forTimeInterval: Self.seconds(due - now)) }
                    } else {
                        due = ContinuousClock.now
                    }
                    if run.hasEnded(at: due) { break }
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
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// One keep-alive libcurl handle of the load generator, configured once.
private final class LoadConnection {
    private let handle: UnsafeMutableRawPointer
    private var headerList: UnsafeMutablePointer<curl_slist>?
    /// The handshake's checks and TLS material, as a delivery has them (kept alive with the handle).
    private let peer: PeerExpectation
    private let identity: ClientTLSIdentity

    init(template: CurlRequest) {
        guard let handle = curl_easy_init() else { fatalError("curl_easy_init failed: libcurl is out of memory") }
        self.handle = handle
        do {
            identity = try ClientTLSIdentity.of(template.tls)
        } catch {
            fatalError("the load generator's TLS material cannot be read: \(error)")
        }
        peer = PeerExpectation(oin: template.tls.expectedPeerOIN)
        for line in template.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] { headerList = curl_slist_append(headerList, line) }
        for option in template.options { _ = option.apply(to: handle) }
        if let refused = peer.install(on: handle, host: template.url.host ?? "", identity: identity) {
            fatalError("the load generator cannot install its TLS checks: \(refused)")
        }
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
