import Crypto
import Foundation
import HTTPClient
import KetenpoortCore
import Logging
import Sealing
import Store

extension DeliveryWorker {
    /// How one attempt ended.
    enum AttemptOutcome: Sendable, Equatable {
        case delivered
        /// Failed; the batch is due again at this moment.
        case retry(at: Date)
        case deadLettered
        /// Cut short by our own shutdown (cancellation, or the HTTPS client stopped): nothing is
        /// recorded, the batch stays pending with its due time and its attempts as they were.
        case interrupted
        /// No longer pending when its turn came (an operator acted meanwhile): nothing was sent.
        case notPending
    }

    /// Reads batch `id`, claimed by this worker, and makes one attempt, recorded before it returns
    /// (unless interrupted). The claim ends with the attempt: released in the transaction that
    /// records it, or on its own when nothing is recorded.
    func attempt(batch id: BatchID) async throws -> AttemptOutcome {
        let store = self.store
        let outcome: AttemptOutcome
        if let batch = try await BatchWork.run({ try store.read { try $0.batch(id: id) } }), batch.status == .pending {
            outcome = try await attempt(batch)
        } else {
            outcome = .notPending
        }
        if outcome == .notPending || outcome == .interrupted { await releaseClaims([id]) }
        return outcome
    }

    /// Releases this worker's claims of `batches` (no attempt recorded them), in one transaction.
    /// As batch work: a shutdown, which interrupted the attempts, must not cut the release short.
    func releaseClaims(_ batches: [BatchID]) async {
        let store = self.store, holder = self.holder
        do {
            try await BatchWork.run { try store.writeUnflushed { tx in for id in batches { try tx.releaseClaim(batch: id, holder: holder) } } }
        } catch {
            // Harmless: a claim ends by itself after `claimDuration`.
            logger.notice(
                "claims not released; they end by themselves",
                metadata: ["batches": "\(batches.map { "\($0)" }.joined(separator: ","))", "error": "\(error)"])
        }
    }

    /// One attempt for `batch`. Backoff and `Retry-After` count from the moment its outcome is
    /// known (the answer arrived, or the transfer failed), not from its start (RFC 9110 §10.2.3).
    func attempt(_ batch: OutboxBatch) async throws -> AttemptOutcome {
        let started = clock.now()
        let result: Result<HTTPResponse, any Error>
        do {
            result = .success(try await post(batch))
            FaultPoint.reached("delivery.answered")
        } catch {
            result = .failure(error)
        }
        let finished = clock.now()
        if let notAfter = try? result.get().peerCertificateNotAfter {
            partnerCertificates.observe(batch.recipient, notAfter: notAfter, at: finished)
        }
        if case .failure(let error) = result, Self.isOwnShutdown(error) || Task.isCancelled {
            logger.notice(
                "delivery attempt interrupted by shutdown, not counted", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)"])
            return .interrupted
        }
        var generator = SystemRandomNumberGenerator()
        let decision = policy.decide(result, attempt: batch.attempts + 1, now: finished, using: &generator)
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
            logger.info(
                "batch delivered", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "status": "\(response?.status ?? 0)"])
            return .delivered
        case .retry(let delay):
            let next = finished.addingTimeInterval(Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
            try await record(attempt, of: batch, status: .pending, nextAttemptAt: next)
            logger.warning(
                "delivery failed, retrying", metadata: ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "error": "\(errorText ?? "")"])
            return .retry(at: next)
        case .deadLetter(let reason):
            let impersonation = result.recipientOINRefusal
            try await record(attempt, of: batch, status: .deadLettered, nextAttemptAt: nil, reason: reason, impersonation: impersonation)
            // The alert an operator acts on: `ketenpoort outbox resend <batch>` once mended. An endpoint
            // that answered with another party's certificate is said so (a near miss was recorded).
            var metadata: Logger.Metadata = ["batch": "\(batch.id)", "recipient": "\(batch.recipient)", "reason": "\(reason)"]
            if let impersonation { metadata["refusal"] = "\(impersonation.reason)" }
            logger.critical("batch dead-lettered", metadata: metadata)
            return .deadLettered
        }
    }

    /// Whether `error` says we stopped the transfer ourselves: the task was cancelled or the
    /// HTTPS client shut down (`transport.cancelled` has no other cause).
    static func isOwnShutdown(_ error: any Error) -> Bool {
        error is CancellationError || (error as? KetenpoortError)?.code == .transportCancelled
    }

    /// Records the attempt and its audit entries (attempt; receipt or dead-letter) in one transaction,
    /// with the near-miss incident when the recipient's endpoint presented another party's certificate.
    /// Attempts that end at about the same time are committed together (`GroupedWrites`).
    private func record(
        _ attempt: DeliveryAttempt, of batch: OutboxBatch, status: BatchStatus, nextAttemptAt: Date?, reason: String? = nil,
        impersonation: KetenpoortError? = nil
    ) async throws {
        let number = batch.attempts + 1
        let outcome = status == .delivered ? "delivered" : status == .pending ? "retry" : status.rawValue
        let audit = self.audit, holder = self.holder
        try await records.write { tx in
            try tx.recordAttempt(attempt, status: status, nextAttemptAt: nextAttemptAt)
            try tx.releaseClaim(batch: batch.id, holder: holder)
            try audit.append(.deliveryAttempt(attempt, number: number, outcome: outcome, node: holder), in: tx)
            if let receipt = attempt.receipt {
                try audit.append(.receipt(batch: batch.id, receiptSHA256: Hex.encode(SHA256.hash(data: receipt))), in: tx)
            }
            if status == .deadLettered { try audit.append(.deadLettered(batch: batch.id, attempts: number, reason: reason ?? "refused"), in: tx) }
            if let impersonation { try IncidentRegister(audit: audit).recipientIdentityRefused(batch: batch, refusal: impersonation.reason, in: tx) }
        }
        Telemetry.deliveryAttempt(recipient: batch.recipient, outcome: outcome, seconds: clock.now().timeIntervalSince(attempt.at))
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
        // The handshake itself refuses a certificate without the recipient's OIN: nothing is sent then.
        let tls = TLSClientSettings(
            clientCertificate: configuration.identity.certificate, clientKey: configuration.identity.key, trustedCA: caBundle,
            pinnedPublicKey: party.pin, expectedPeerOIN: party.party.oin)
        let timeout = Duration.milliseconds(Int64(configuration.delivery.timeout * 1000))
        let store = self.store, id = batch.id
        // The Content-Digest is the sealed kp-sha256: no pass over the payload to hash it again (a
        // night's are hundreds of megabytes). Bytes that are not the sealed ones fail the
        // recipient's digest check as they would fail its seal check.
        let sealed = DetachedJWS.sealedPayloadSHA256(batch.signature)
        if batch.payloadBytes <= OutboxBatch.payloadPartSize {
            // Read (and digested, for a seal that states none) as batch work, like the rest of a
            // delivery: never beside the answers.
            let (payload, headers) = try await BatchWork.run {
                let payload = try store.read { try $0.payload(of: id) }
                let digest = sealed.map(ContentDigest.field(sha256:)) ?? ContentDigest.field(for: payload)
                return (
                    payload, try DeliveryHeaders(contentType: batch.contentType, batchID: batch.id, contentDigest: digest, signature: batch.signature)
                )
            }
            return try await client.post(url: endpoint, headers: headers.fields, body: payload, tls: tls, timeout: timeout)
        }
        // A large batch (a night's, a CBS delivery) is read part by part as it is sent.
        let contentDigest: String
        if let sealed {
            contentDigest = ContentDigest.field(sha256: sealed)
        } else {
            contentDigest = try await BatchWork.run {
                var digest = SHA256()
                try store.read { tx in try tx.forEachPayloadPart(of: id) { digest.update(data: $0) } }
                return ContentDigest.field(sha256: digest.finalize())
            }
        }
        let headers = try DeliveryHeaders(contentType: batch.contentType, batchID: batch.id, contentDigest: contentDigest, signature: batch.signature)
        let body = StreamedBody(length: batch.payloadBytes) { part, buffer in
            try store.read { try $0.readPayloadPart(batch: id, part: part, into: &buffer) }
        }
        return try await client.post(url: endpoint, headers: headers.fields, body: body, tls: tls, timeout: timeout)
    }
}

extension Result<HTTPResponse, any Error> {
    /// The error when the recipient's endpoint presented another party's certificate.
    fileprivate var recipientOINRefusal: KetenpoortError? {
        guard case .failure(let error as KetenpoortError) = self, error.code == .transportRecipientOIN else { return nil }
        return error
    }
}
