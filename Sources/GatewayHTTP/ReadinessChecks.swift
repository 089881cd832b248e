import Foundation
import KetenpoortCore

/// What `/health/ready` answers from: each check run with a time limit, the results kept a few
/// seconds (a probe every second costs the store nothing extra), and the node's maintenance mode
/// looked at on every probe (a drain starts at once).
public actor ReadinessChecks {
    /// One check: passes by returning (a short detail, no personal data), fails by throwing.
    public struct Check: Sendable {
        public let name: String
        let run: @Sendable () async throws -> String

        public init(_ name: String, _ run: @escaping @Sendable () async throws -> String) {
            self.name = name
            self.run = run
        }
    }

    /// A check's outcome, as the probe shows it.
    public struct Result: Sendable, Encodable, Equatable {
        public let name: String
        public let status: String
        public let detail: String
        public let milliseconds: Int
        public var passed: Bool { status == "pass" }
    }

    private let checks: [Check]
    private let maintenance: @Sendable () -> Date?
    private let limit: Duration
    private let cacheSeconds: Double
    private var cached: (at: ContinuousClock.Instant, results: [Result])?

    /// - Parameters:
    ///   - maintenance: since when the node is in maintenance mode, nil when it is not.
    ///   - limit: a check still running after this fails (X-Road: 5 s per check; here 2 s).
    ///   - cacheSeconds: how long results are given again before the checks run anew.
    public init(
        _ checks: [Check], maintenance: @escaping @Sendable () -> Date? = { nil }, limit: Duration = .seconds(2), cacheSeconds: Double = 5
    ) {
        self.checks = checks
        self.maintenance = maintenance
        self.limit = limit
        self.cacheSeconds = cacheSeconds
    }

    /// Since when the node is in maintenance mode, if it is.
    public func maintenanceSince() -> Date? { maintenance() }

    /// Every check's result, run now or kept from a run less than `cacheSeconds` ago.
    public func results() async -> [Result] {
        let now = ContinuousClock.now
        if let cached, now - cached.at < .seconds(cacheSeconds) { return cached.results }
        let limit = limit
        let results = await withTaskGroup(of: (Int, Result).self) { group in
            for (index, check) in checks.enumerated() {
                group.addTask { (index, await Self.run(check, limit: limit)) }
            }
            var results: [Int: Result] = [:]
            for await (index, result) in group { results[index] = result }
            return checks.indices.compactMap { results[$0] }
        }
        cached = (ContinuousClock.now, results)
        return results
    }

    /// Runs `check`, failing it when it throws or outlasts `limit`. A check that hangs (a store
    /// that does not answer) is left running on its own: the probe answers regardless.
    private static func run(_ check: Check, limit: Duration) async -> Result {
        let start = ContinuousClock.now
        let waiting = LockedValue<CheckedContinuation<Swift.Result<String, any Error>, Never>?>(nil)
        let outcome = await withCheckedContinuation { continuation in
            waiting.withLock { $0 = continuation }
            Task {
                let outcome = await Swift.Result(catching: { try await check.run() })
                waiting.withLock { $0.take() }?.resume(returning: outcome)
            }
            Task {
                try? await Task.sleep(for: limit)
                waiting.withLock { $0.take() }?.resume(returning: .failure(KetenpoortError(.storeUnavailable, "no answer within \(limit)")))
            }
        }
        let milliseconds = Int((ContinuousClock.now - start) / .milliseconds(1))
        switch outcome {
        case .success(let detail): return Result(name: check.name, status: "pass", detail: detail, milliseconds: milliseconds)
        case .failure(let error):
            let detail = (error as? KetenpoortError)?.reason ?? "\(type(of: error))"
            return Result(name: check.name, status: "fail", detail: detail, milliseconds: milliseconds)
        }
    }
}

extension Swift.Result where Failure == any Error {
    /// The outcome of an async throwing body.
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
