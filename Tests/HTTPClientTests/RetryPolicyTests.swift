import Foundation
import KetenpoortCore
import Testing

@testable import HTTPClient

@Suite("RetryPolicy: classification, backoff, Retry-After")
struct RetryPolicyTests {
    @Test(
        "HTTP status → verdict (formats.md §8)",
        arguments: [
            (200, DeliveryVerdict.delivered), (201, .delivered), (202, .delivered), (204, .delivered), (409, .delivered),
            (400, .permanentFailure), (401, .permanentFailure), (403, .permanentFailure), (404, .permanentFailure),
            (413, .permanentFailure), (422, .permanentFailure), (301, .permanentFailure),
            (429, .retryable), (500, .retryable), (502, .retryable), (503, .retryable), (504, .retryable),
        ])
    func statusVerdict(status: Int, verdict: DeliveryVerdict) {
        #expect(DeliveryVerdict(status: status) == verdict)
    }

    @Test(
        "transport error → verdict",
        arguments: [
            (KetenpoortError.Code.transportTimeout, DeliveryVerdict.retryable), (.transportConnect, .retryable), (.transportBroken, .retryable),
            (.transportCancelled, .retryable), (.transportFailed, .retryable),
            (.transportTLS, .permanentFailure), (.transportPinMismatch, .permanentFailure), (.transportConfiguration, .permanentFailure),
        ])
    func errorVerdict(code: KetenpoortError.Code, verdict: DeliveryVerdict) {
        #expect(DeliveryVerdict(error: KetenpoortError(code, "x")) == verdict)
    }

    @Test("the backoff ceiling doubles from the initial delay and stops at the maximum")
    func ceiling() {
        let policy = RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(60), maximumAttempts: 10)
        #expect((1...8).map { policy.backoffCeiling(afterAttempt: $0) } == [1, 2, 4, 8, 16, 32, 60, 60].map { Duration.seconds($0) })
        #expect(policy.backoffCeiling(afterAttempt: 1_000) == .seconds(60))
        #expect(policy.backoffCeiling(afterAttempt: 0) == .seconds(1))
    }

    @Test("full jitter stays within 0…ceiling and spreads over it")
    func jitterBounds() {
        let policy = RetryPolicy(initialDelay: .milliseconds(500), maximumDelay: .seconds(30))
        var generator = SeededGenerator(state: 42)
        for attempt in 1...12 {
            let ceiling = policy.backoffCeiling(afterAttempt: attempt)
            let draws = (0..<200).map { _ in policy.backoff(afterAttempt: attempt, using: &generator) }
            #expect(draws.allSatisfy { $0 >= .zero && $0 <= ceiling })
            #expect(draws.contains { $0 < ceiling / 4 } && draws.contains { $0 > ceiling * 3 / 4 })
        }
        var low = ConstantGenerator(value: 0)
        var high = ConstantGenerator(value: .max)
        #expect(policy.backoff(afterAttempt: 3, using: &low) == .zero)
        #expect(policy.backoff(afterAttempt: 3, using: &high) > .milliseconds(1999))
    }

    @Test("Retry-After in seconds and as HTTP-date (all three forms); junk is ignored")
    func retryAfterParsing() throws {
        let now = try #require(RetryAfter.httpDate("Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(RetryAfter.delay("120", now: now) == .seconds(120))
        #expect(RetryAfter.delay(" 0 ", now: now) == .zero)
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:51:37 GMT", now: now) == .seconds(120))
        #expect(RetryAfter.delay("Sunday, 06-Nov-94 08:50:37 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.delay("Sun Nov  6 08:50:07 1994", now: now) == .seconds(30))
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("-5", now: now) == nil)
        #expect(RetryAfter.delay("soon", now: now) == nil)
        #expect(RetryAfter.delay("1.5", now: now) == nil)
        #expect(RetryAfter.httpDate(now) == "Sun, 06 Nov 1994 08:49:37 GMT")
    }

    @Test("Retry-After wins when it is longer than the backoff, not when shorter, and is capped")
    func retryAfterHonoured() {
        let policy = RetryPolicy(initialDelay: .seconds(2), maximumDelay: .seconds(60), maximumAttempts: 5, maximumRetryAfter: .seconds(600))
        var high = ConstantGenerator(value: .max)
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(policy.delay(afterAttempt: 1, retryAfter: "30", now: now, using: &high) == .seconds(30))
        let backoff = policy.delay(afterAttempt: 3, retryAfter: "1", now: now, using: &high)
        #expect(backoff > .seconds(7) && backoff <= .seconds(8))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "86400", now: now, using: &high) == .seconds(600))
        let date = RetryAfter.httpDate(now.addingTimeInterval(45))
        #expect(policy.delay(afterAttempt: 1, retryAfter: date, now: now, using: &high) == .seconds(45))
        #expect(policy.delay(afterAttempt: 1, retryAfter: "garbage", now: now, using: &high) <= .seconds(2))
    }

    @Test("decide: delivered, retry with the response's Retry-After, dead letter at the limit or on a refusal")
    func decide() {
        let policy = RetryPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(60), maximumAttempts: 3)
        var generator = SeededGenerator(state: 3)
        let now = Date()
        let busy = HTTPResponse(status: 503, headers: [("Retry-After", "20")])
        #expect(policy.decide(.success(HTTPResponse(status: 201)), attempt: 1, now: now, using: &generator) == .delivered)
        #expect(policy.decide(.success(HTTPResponse(status: 409)), attempt: 3, now: now, using: &generator) == .delivered)
        #expect(policy.decide(.success(busy), attempt: 1, now: now, using: &generator) == .retry(after: .seconds(20)))
        #expect(policy.decide(.success(busy), attempt: 3, now: now, using: &generator) == .deadLetter(reason: "gave up after 3 attempts: HTTP 503"))
        #expect(
            policy.decide(.success(HTTPResponse(status: 403)), attempt: 1, now: now, using: &generator) == .deadLetter(reason: "refused: HTTP 403"))
        let timeout: Result<HTTPResponse, any Error> = .failure(KetenpoortError(.transportTimeout, "slow"))
        guard case .retry(let delay) = policy.decide(timeout, attempt: 2, now: now, using: &generator) else {
            Issue.record("a timeout must be retried")
            return
        }
        #expect(delay <= .seconds(2))
        let pin: Result<HTTPResponse, any Error> = .failure(KetenpoortError(.transportPinMismatch, "pin"))
        #expect(policy.decide(pin, attempt: 1, now: now, using: &generator) == .deadLetter(reason: "refused: transport.pin-mismatch"))
    }
}
