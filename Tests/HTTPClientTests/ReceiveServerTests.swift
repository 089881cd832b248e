import Foundation
import KetenpoortCore
import Sealing
import Testing

@testable import GatewayHTTP
@testable import HTTPClient
@testable import KetenpoortTesting

@Suite("ReceiveServer checks, faults and the retry loop against it")
struct ReceiveServerTests {
    @Test("a body that does not match its Content-Digest answers 400 problem+json and is not stored")
    func digestMismatch() async throws {
        try await Receiver.with { receiver in
            let response = try await receiver.deliver(sampleXML, digest: ContentDigest.field(for: Data("something else".utf8)))
            #expect(response.status == 400)
            #expect(response.header("Content-Type") == "application/problem+json")
            let problem = try JSONSerialization.jsonObject(with: response.body) as? [String: Any]
            #expect(problem?["code"] as? String == "transport.digest-mismatch")
            #expect(problem?["status"] as? Int == 400)
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("a missing Idempotency-Key, a key that is not a plain token and a missing digest answer 400")
    func requiredHeaders() async throws {
        try await Receiver.with { receiver in
            let digest = ContentDigest.field(for: sampleXML)
            let cases: [([(name: String, value: String)], String)] = [
                ([("Content-Digest", digest)], "receive.idempotency-key-missing"),
                ([("Content-Digest", digest), ("Idempotency-Key", "../escape")], "receive.idempotency-key-invalid"),
                ([("Idempotency-Key", "b1")], "receive.digest-missing"),
                ([("Idempotency-Key", "b1"), ("Content-Digest", "sha-256=abc")], "transport.digest-malformed"),
            ]
            for (headers, code) in cases {
                let response = try await receiver.post(sampleXML, headers: headers)
                #expect(response.status == 400)
                #expect((try JSONSerialization.jsonObject(with: response.body) as? [String: Any])?["code"] as? String == code)
            }
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("with a verifier, a signature it rejects answers 400 and one it accepts is stored")
    func verifier() async throws {
        let verifier: @Sendable (HashedPayload, String) async throws -> Void = { body, signature in
            guard signature == "e30..c2ln", body.bytes == sampleXML else {
                throw KetenpoortError(.sealingSignatureInvalid, "the signature does not verify")
            }
        }
        try await Receiver.with(verifier: verifier) { receiver in
            let good = try await receiver.deliver(sampleXML, batch: "good")
            #expect(good.status == 201)
            var headers = try DeliveryHeaders(contentType: "application/xml", batchID: "bad", body: sampleXML, signature: "e30..YmFk")
            let bad = try await receiver.post(sampleXML, headers: headers.fields)
            #expect(bad.status == 400)
            #expect((try JSONSerialization.jsonObject(with: bad.body) as? [String: Any])?["code"] as? String == "sealing.signature-invalid")
            headers.signature = nil
            let unsigned = try await receiver.post(sampleXML, headers: headers.fields)
            #expect(unsigned.status == 400)
            #expect(receiver.storedFiles() == ["good.headers", "good.receipt.json", "good.xml"])
        }
    }

    @Test("a receiver answering 503 with Retry-After, then 201: the client retries and the batch is stored once")
    func unavailableThenCreated() async throws {
        try await Receiver.with(faultPlan: .unavailable(first: 2, retryAfter: "1")) { receiver in
            let policy = RetryPolicy(initialDelay: .milliseconds(10), maximumDelay: .milliseconds(100), maximumAttempts: 5)
            var generator = SeededGenerator(state: 7)
            var statuses: [Int] = []
            var delays: [Duration] = []
            for attempt in 1...5 {
                let response = try await receiver.deliver(sampleXML)
                statuses.append(response.status)
                switch policy.decide(.success(response), attempt: attempt, now: Date(), using: &generator) {
                case .delivered: break
                case .retry(let delay):
                    delays.append(delay)
                    continue  // the test does not sleep the second Retry-After asks for
                case .deadLetter(let reason): Issue.record("dead-lettered: \(reason)")
                }
                break
            }
            #expect(statuses == [503, 503, 201])
            #expect(delays.allSatisfy { $0 >= .seconds(1) })
            #expect(receiver.storedFiles() == ["batch-1.headers", "batch-1.receipt.json", "batch-1.xml"])
        }
    }

    @Test("a receiver that always answers 400: dead-lettered after the first attempt")
    func permanentRefusal() async throws {
        try await Receiver.with(faultPlan: .refuse(status: 400)) { receiver in
            let response = try await receiver.deliver(sampleXML)
            var generator = SeededGenerator(state: 1)
            #expect(response.status == 400)
            #expect(RetryPolicy().decide(.success(response), attempt: 1, now: Date(), using: &generator) == .deadLetter(reason: "refused: HTTP 400"))
            #expect(receiver.storedFiles().isEmpty)
        }
    }

    @Test("a timeout is retried, and the retry of a batch the receiver did store counts as delivered (409)")
    func timeoutThenConflict() async throws {
        // The receiver holds the request until the client has given up on it (a timeout long enough
        // for the request to arrive on a busy machine), then stores it.
        let released = Gate()
        defer { released.open() }
        try await Receiver.with(holdingFirstUntil: released) { receiver in
            let code = await transportErrorCode { try await receiver.deliver(sampleXML, timeout: .seconds(10)) }
            #expect(code == "transport.timeout")
            #expect(DeliveryVerdict(error: KetenpoortError(.transportTimeout, "")) == .retryable)
            released.open()
            // The held request completes on the server: wait until it stored the batch (however
            // slow the machine), then retry.
            let deadline = ContinuousClock.now + .seconds(30)
            while !receiver.storedFiles().contains("batch-1.receipt.json") && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(receiver.storedFiles() == ["batch-1.headers", "batch-1.receipt.json", "batch-1.xml"])
            let retry = try await receiver.deliver(sampleXML)
            #expect(retry.status == 409)
            #expect(DeliveryVerdict(status: retry.status) == .delivered)
        }
    }

    @Test("cancelling the task aborts the transfer")
    func cancellation() async throws {
        // The server stalls long enough that even a busy machine aborts well before it answers.
        try await Receiver.with(faultPlan: .stall(first: 1, for: .seconds(6))) { receiver in
            let task = Task { await transportErrorCode { try await receiver.deliver(sampleXML, timeout: TestTimeout.answer) } }
            try await Task.sleep(for: .milliseconds(200))
            task.cancel()
            // An answer from the stalled server would be a status, not this: the abort came from the client side.
            #expect(await task.value == "transport.cancelled")
        }
    }

    @Test("the server refuses to start with a missing key file, and says which file")
    func missingKey() async throws {
        let pki = TrustedAndForeignPKI.shared
        let server = ReceiveServer(
            configuration: .init(
                directory: FileManager.default.temporaryDirectory, certificateChain: DevPKI.certificateFile(for: "gm0363", in: pki.trusted),
                privateKey: URL(fileURLWithPath: "/nonexistent/key.pem"), trustedCA: DevPKI.caCertificateFile(in: pki.trusted)),
            logger: quietLogger)
        await #expect(throws: KetenpoortError(.transportServerUnavailable, "")) { try await server.run() }
        await #expect(throws: KetenpoortError.self) { try await server.boundPort() }
    }
}
