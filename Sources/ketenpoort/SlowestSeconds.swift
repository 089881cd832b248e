import Foundation
import KetenpoortTesting

/// Where in a measured window the answers were slow, for the benchmarks' reports: one stall of the
/// host and a steady queue can give a window the same p99, but not the same seconds.
enum SlowestSeconds {
    /// Prints how many of the window's seconds had a p99 over `limit` milliseconds, and the five
    /// slowest (offset from the window's start: p99, max).
    static func report(_ seconds: [(offset: Duration, result: LoadGenerator.Result)], over limit: Double) {
        func p99(_ result: LoadGenerator.Result) -> Double { result.latency(quantile: 0.99) }
        let slow = seconds.filter { p99($0.result) > limit }
        let worst = seconds.sorted { p99($0.result) > p99($1.result) }.prefix(5).sorted { $0.offset < $1.offset }
        let listed = worst.map {
            String(format: "%llds %.1f/%.1f ms", $0.offset.components.seconds, p99($0.result), $0.result.latency(quantile: 1))
        }
        print(
            String(format: "    seconds with p99 over %g ms: %d of %d; slowest (p99/max): ", limit, slow.count, seconds.count)
                + listed.joined(separator: ", "))
    }
}
