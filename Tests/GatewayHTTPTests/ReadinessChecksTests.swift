import Foundation
import GatewayHTTP
import KetenpoortCore
import Testing

/// The readiness checks behind `/health/ready`: time-bounded, kept briefly, failures named.
@Suite("Readiness checks")
struct ReadinessChecksTests {
    @Test("a failing check is reported with its reason; a hanging one fails at the limit while the others pass")
    func failuresAndLimit() async throws {
        let never = Gate()
        let checks = ReadinessChecks(
            [
                .init("ok") { "fine" },
                .init("broken") { throw KetenpoortError(.storeUnavailable, "the store does not answer") },
                .init("hangs") {
                    await never.wait()
                    return "never"
                },
            ], limit: .milliseconds(200))
        let results = await checks.results()
        #expect(results.map(\.name) == ["ok", "broken", "hangs"])
        #expect(results.map(\.status) == ["pass", "fail", "fail"])
        #expect(results[1].detail == "the store does not answer")
        #expect(results[2].detail.hasPrefix("no answer within"))
        never.open()
    }

    @Test("results are given again within the cache time, and run anew after it")
    func cached() async throws {
        let runs = Counter()
        let checks = ReadinessChecks([.init("counted") { "run \(runs.increment())" }], cacheSeconds: 3_600)
        #expect(await checks.results().first?.detail == "run 1")
        #expect(await checks.results().first?.detail == "run 1")
        let uncached = ReadinessChecks([.init("counted") { "run \(runs.increment())" }], cacheSeconds: 0)
        #expect(await uncached.results().first?.detail == "run 2")
        #expect(await uncached.results().first?.detail == "run 3")
    }
}

/// Counts, from any task.
private final class Counter: Sendable {
    private let value = LockedValue(0)
    func increment() -> Int {
        value.withLock {
            $0 += 1; return $0
        }
    }
}

/// Opens once; waiters wait until then.
private actor Gate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }

    nonisolated func open() { Task { await self.release() } }

    private func release() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }
}
