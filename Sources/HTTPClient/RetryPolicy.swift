import Foundation
import KetenpoortCore

/// When to try a delivery again: exponential backoff with full jitter, honouring `Retry-After`,
/// up to a limit of attempts. Pure: the clock and the random source are passed in.
///
/// ```swift
/// switch policy.decide(result, attempt: 3, now: .now, using: &generator) {
/// case .delivered: …
/// case .retry(let delay): schedule the next attempt after `delay`
/// case .deadLetter(let reason): dead-letter and alert
/// }
/// ```
public struct RetryPolicy: Sendable, Hashable {
    /// The backoff ceiling after the first failed attempt.
    public var initialDelay: Duration
    /// The backoff ceiling never exceeds this.
    public var maximumDelay: Duration
    /// Attempts in all (the first one included) before a batch is dead-lettered.
    public var maximumAttempts: Int
    /// A `Retry-After` longer than this is shortened to it, so a recipient cannot park a batch for days.
    public var maximumRetryAfter: Duration

    /// A policy; the defaults give up after about ten minutes of waiting in all.
    public init(
        initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(300), maximumAttempts: Int = 8,
        maximumRetryAfter: Duration = .seconds(3600)
    ) {
        precondition(initialDelay >= .zero && maximumDelay >= initialDelay && maximumAttempts >= 1, "an inconsistent retry policy")
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.maximumAttempts = maximumAttempts
        self.maximumRetryAfter = maximumRetryAfter
    }

    /// What to do after an attempt.
    public enum Decision: Sendable, Hashable {
        /// The recipient has the batch.
        case delivered
        /// Try again after the delay.
        case retry(after: Duration)
        /// Stop: dead-letter the batch and alert; the reason names a status or error code, never body content.
        case deadLetter(reason: String)
    }

    /// The verdict on an attempt's result (formats.md §8); see `DeliveryVerdict`.
    public static func classify(_ result: Result<HTTPResponse, any Error>) -> DeliveryVerdict {
        DeliveryVerdict(result)
    }

    /// The decision after attempt number `attempt` (1 for the first) ended with `result`.
    public func decide(
        _ result: Result<HTTPResponse, any Error>, attempt: Int, now: Date, using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let outcome: String
        switch result {
        case .success(let response): outcome = "HTTP \(response.status)"
        case .failure(let error): outcome = (error as? KetenpoortError)?.code.rawValue ?? "transport.failed"
        }
        switch Self.classify(result) {
        case .delivered:
            return .delivered
        case .permanentFailure:
            return .deadLetter(reason: "refused: \(outcome)")
        case .retryable:
            guard attempt < maximumAttempts else { return .deadLetter(reason: "gave up after \(attempt) attempts: \(outcome)") }
            let retryAfter = try? result.get().header("Retry-After")
            return .retry(after: delay(afterAttempt: attempt, retryAfter: retryAfter, now: now, using: &generator))
        }
    }

    /// The wait after failed attempt `attempt`: the jittered backoff, or the recipient's `Retry-After`
    /// (capped at `maximumRetryAfter`) when that is longer.
    public func delay(
        afterAttempt attempt: Int, retryAfter: String?, now: Date, using generator: inout some RandomNumberGenerator
    ) -> Duration {
        let backoff = backoff(afterAttempt: attempt, using: &generator)
        guard let retryAfter, let asked = RetryAfter.delay(retryAfter, now: now) else { return backoff }
        return max(backoff, min(asked, maximumRetryAfter))
    }

    /// Full jitter: uniformly random in `0..<backoffCeiling(afterAttempt:)`.
    ///
    /// One word from `generator` scales the ceiling (no rejection sampling), so any generator,
    /// even a constant one in a test, gives an answer at once.
    public func backoff(afterAttempt attempt: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = Self.nanoseconds(backoffCeiling(afterAttempt: attempt))
        let unit = Double(generator.next() >> 11) * 0x1p-53  // 53 random bits in [0, 1)
        return .nanoseconds(min(ceiling, Int64(Double(ceiling) * unit)))
    }

    /// `min(maximumDelay, initialDelay × 2^(attempt−1))`.
    public func backoffCeiling(afterAttempt attempt: Int) -> Duration {
        let exponent = max(0, min(attempt - 1, 62))
        let (product, overflow) = Self.nanoseconds(initialDelay).multipliedReportingOverflow(by: Int64(1) << exponent)
        return overflow ? maximumDelay : min(maximumDelay, .nanoseconds(product))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
