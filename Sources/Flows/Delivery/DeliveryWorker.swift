import Crypto
import Foundation
import KetenpoortCore
import Logging
import Sealing
import ServiceLifecycle
import Store
import Transport

/// Delivers the outbox (formats.md §8): each due batch is POSTed over mutual TLS with its
/// idempotency key, digest and signature; the answer decides delivered, retry later (backoff with
/// jitter, `Retry-After`) or dead-letter with an alert. Every attempt is recorded. A `Service`.
public struct DeliveryWorker: Service {
    /// What one round did.
    public struct Round: Sendable, Equatable {
        public var delivered: [String] = []
        public var retrying: [String] = []
        public var deadLettered: [String] = []
        public var attempted: Int { delivered.count + retrying.count + deadLettered.count }
    }

    let store: any Store
    let configuration: GatewayConfiguration
    let client: CurlClient
    let policy: RetryPolicy
    let clock: any WallClock
    let concurrency: Int
    /// At most this many payload bytes in flight at once (always at least one batch), so memory is
    /// bounded by this, not by how large the batches of a night are.
    let maxInFlightBytes: Int
    let audit: AuditChain
    let logger = Logger(label: "ketenpoort.delivery")

    public init(
        store: any Store, configuration: GatewayConfiguration, client: CurlClient, clock: any WallClock = SystemWallClock(), concurrency: Int = 16,
        maxInFlightBytes: Int? = nil
    ) {
        self.store = store
        self.configuration = configuration
        self.client = client
        self.clock = clock
        self.concurrency = concurrency
        self.maxInFlightBytes = maxInFlightBytes ?? configuration.delivery.maxInFlightBytes
        // Checkpoints are signed with the gateway's identity, the same files it connects with.
        let signer = try? SigningIdentity(certificateFile: configuration.identity.certificate, keyFile: configuration.identity.key)
        self.audit = AuditChain(signer: signer, clock: clock, checkpointEvery: configuration.checkpointEvery)
        let limits = configuration.delivery
        self.policy = RetryPolicy(
            initialDelay: .milliseconds(Int64(limits.initialBackoff * 1000)), maximumDelay: .milliseconds(Int64(limits.maxBackoff * 1000)),
            maximumAttempts: limits.maxAttempts)
    }

    /// Keeps delivering until a graceful shutdown: a round, then a pause until the next batch is due.
    public func run() async throws {
        // A graceful shutdown ends the loop after the round in progress (it does not cancel this
        // task, only the pause).
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            _ = try await deliverDue()
            let pause = try await nextDueDelay() ?? 1
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(min(max(pause, 0.05), 1))) }
        }
    }

    /// Seconds until the earliest pending batch is due (nil when none is pending).
    public func nextDueDelay() async throws -> Double? {
        let store = self.store
        let pending = try await BlockingWork.run { try store.read { try $0.schedule(status: .pending) } }
        let now = clock.now()
        return pending.map { ($0.nextAttemptAt ?? now).timeIntervalSince(now) }.min()
    }

    /// One attempt for every pending batch that is due now, at most `concurrency` at once.
    public func deliverDue() async throws -> Round {
        let now = clock.now()
        // Only ids here: each batch's bytes are read when its attempt starts, so memory stays
        // flat however large the outbox is.
        let store = self.store
        let due = try await BlockingWork.run { try store.read { try $0.schedule(status: .pending) } }.filter { ($0.nextAttemptAt ?? now) <= now }
        var round = Round()
        var waiting = due[...]
        var running: [String: Int] = [:]
        var inFlightBytes = 0
        try await withThrowingTaskGroup(of: (String, RetryPolicy.Decision).self) { group in
            // Starts due batches while fewer than `concurrency` run and their bytes fit the budget.
            // A batch larger than a part is sent as it is read: about two parts of it are in memory.
            func memory(_ batch: BatchDue) -> Int { min(batch.bytes, 2 * OutboxBatch.payloadPartSize) }
            func startNext() {
                while let next = waiting.first, running.count < concurrency, running.isEmpty || inFlightBytes + memory(next) <= maxInFlightBytes {
                    waiting.removeFirst()
                    running[next.id] = memory(next)
                    inFlightBytes += memory(next)
                    start(next)
                }
            }
            func start(_ next: BatchDue) {
                group.addTask {
                    // Gone or no longer pending (an operator acted meanwhile): nothing to attempt; the
                    // final status is read from the store by the caller.
                    guard let batch = try await BlockingWork.run({ try store.read { try $0.batch(id: next.id) } }), batch.status == .pending else {
                        return (next.id, .retry(after: .zero))
                    }
                    return (batch.id, try await attempt(batch))
                }
            }
            startNext()
            while let (id, decision) = try await group.next() {
                inFlightBytes -= running.removeValue(forKey: id) ?? 0
                switch decision {
                case .delivered: round.delivered.append(id)
                case .retry: round.retrying.append(id)
                case .deadLetter: round.deadLettered.append(id)
                }
                startNext()
            }
        }
        return round
    }

    /// Delivers until nothing is pending or `deadline` passes (for one-shot runs and tests).
    public func deliverUntilDone(deadline: Date) async throws -> Round {
        var total = Round()
        while Date() < deadline {
            let round = try await deliverDue()
            total.delivered += round.delivered
            total.deadLettered += round.deadLettered
            guard let wait = try await nextDueDelay() else { break }
            if wait > 0 { try await Task.sleep(for: .seconds(min(wait, max(0, deadline.timeIntervalSinceNow)))) }
        }
        let store = self.store
        total.retrying = try await BlockingWork.run { try store.read { try $0.schedule(status: .pending) } }.map(\.id)
        return total
    }

    /// One attempt for `batch`, recorded before it returns.
    func attempt(_ batch: OutboxBatch) async throws -> RetryPolicy.Decision {
        let started = clock.now()
        let result: Result<HTTPResponse, any Error>
        do {
            result = .success(try await post(batch))
            FaultPoint.reached("delivery.answered")
        } catch {
            result = .failure(error)
        }
        var generator = SystemRandomNumberGenerator()
        let decision = policy.decide(result, attempt: batch.attempts + 1, now: started, using: &generator)
        let response = try? result.get()
        let errorText: String? =
            switch result {
            case .success(let response): (200...299).contains(response.status) || response.status == 409 ? nil : "HTTP \(response.status)"
            case .failure(let error): (error as? KetenpoortError)?.description ?? "transport failure"
            }
        let attempt = DeliveryAttempt(
            batch: batch.id, at: started, httpStatus: response?.status, error: errorText,
            receipt: decision == .delivered ? response?.body : nil)
        defer { FaultPoint.reached("delivery.recorded") }
        switch decision {
        case .delivered:
            try await record(attempt, of: batch, status: .delivered, nextAttemptAt: nil)
            logger.info("batch delivered", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "status": "\(response?.status ?? 0)"])
        case .retry(let delay):
            let next = started.addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            try await record(attempt, of: batch, status: .pending, nextAttemptAt: next)
            logger.warning("delivery failed, retrying", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "error": "\(errorText ?? "")"])
        case .deadLetter(let reason):
            try await record(attempt, of: batch, status: .deadLettered, nextAttemptAt: nil, reason: reason)
            // The alert an operator acts on: `ketenpoort outbox resend <batch>` once mended.
            logger.critical("batch dead-lettered", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "reason": "\(reason)"])
        }
        return decision
    }

    /// Records the attempt and its audit entries (attempt; receipt or dead-letter) in one transaction.
    private func record(_ attempt: DeliveryAttempt, of batch: OutboxBatch, status: BatchStatus, nextAttemptAt: Date?, reason: String? = nil) async throws {
        let number = batch.attempts + 1
        let outcome = status == .delivered ? "delivered" : status == .pending ? "retry" : status.rawValue
        let (store, audit) = (self.store, self.audit)
        try await BlockingWork.run { try store.write { tx in
            try tx.recordAttempt(attempt, status: status, nextAttemptAt: nextAttemptAt)
            try audit.append(.deliveryAttempt(attempt, number: number, outcome: outcome), in: tx)
            if let receipt = attempt.receipt { try audit.append(.receipt(batch: batch.id, receiptSHA256: Hex.encode(SHA256.hash(data: receipt))), in: tx) }
            if status == .deadLettered { try audit.append(.deadLettered(batch: batch.id, attempts: number, reason: reason ?? "refused"), in: tx) }
        } }
    }

    private func post(_ batch: OutboxBatch) async throws -> HTTPResponse {
        guard let party = configuration.registry.party(id: batch.recipient), let endpoint = party.endpoint, let caBundle = party.caBundle else {
            throw KetenpoortError(.transportConfiguration, "no endpoint and CA bundle configured for \(batch.recipient)")
        }
        // The seal names the recipient's OIN: a configuration changed since (the party id now
        // another organisation) must not redirect the batch.
        guard party.party.oin.value == batch.recipientOIN else {
            throw KetenpoortError(.transportConfiguration, "\(batch.recipient) is now registered with another OIN than the batch was sealed for")
        }
        let tls = TLSClientSettings(
            clientCertificate: configuration.identity.certificate, clientKey: configuration.identity.key, trustedCA: caBundle,
            pinnedPublicKey: party.pin)
        let timeout = Duration.milliseconds(Int64(configuration.delivery.timeout * 1000))
        let store = self.store, id = batch.id
        if batch.payloadBytes <= OutboxBatch.payloadPartSize {
            let payload = try await BlockingWork.run { try store.read { try $0.payload(of: id) } }
            let headers = try DeliveryHeaders(contentType: batch.contentType, batchID: batch.id, body: payload, signature: batch.signature)
            return try await client.post(url: endpoint, headers: headers.fields, body: payload, tls: tls, timeout: timeout)
        }
        // A large batch (a CBS delivery) is read part by part: once for its digest, once as it is sent.
        let contentDigest = try await BlockingWork.run {
            var digest = SHA256()
            try store.read { tx in try tx.forEachPayloadPart(of: id) { digest.update(data: $0) } }
            return ContentDigest.field(sha256: digest.finalize())
        }
        let headers = try DeliveryHeaders(contentType: batch.contentType, batchID: batch.id, contentDigest: contentDigest, signature: batch.signature)
        let body = StreamedBody(length: batch.payloadBytes) { part in try store.read { try $0.payloadPart(batch: id, part: part) } }
        return try await client.post(url: endpoint, headers: headers.fields, body: body, tls: tls, timeout: timeout)
    }
}
