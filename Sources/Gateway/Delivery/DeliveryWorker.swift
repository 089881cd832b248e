import Foundation
import HTTPClient
import KetenpoortCore
import Logging
import Sealing
import ServiceLifecycle
import Store

/// Delivers the outbox (formats.md §8): each due batch is POSTed over mutual TLS with its
/// idempotency key, digest and signature; the answer decides delivered, retry later (backoff with
/// jitter, `Retry-After`, counted from the answer) or dead-letter with an alert. Every attempt is
/// recorded, except one our own shutdown cut short. A batch starts as soon as it is due and a slot
/// is free: slots are bounded in all, per recipient and by the payload bytes in flight. A `Service`.
public struct DeliveryWorker: Service {
    /// What `deliverDue` or `deliverUntilDone` did.
    public struct Round: Sendable, Equatable {
        public var delivered: [BatchID] = []
        public var retrying: [BatchID] = []
        public var deadLettered: [BatchID] = []
        public var attempted: Int { delivered.count + retrying.count + deadLettered.count }

        public init() {}
    }

    let store: any Store
    let configuration: GatewayConfiguration
    let client: any DeliveryTransport
    let policy: RetryPolicy
    let clock: any WallClock
    let concurrency: Int
    /// At most this many attempts in flight to one recipient.
    let maxInFlightPerRecipient: Int
    /// At most this many payload bytes in flight at once (always at least one batch), so memory is
    /// bounded by this, not by how large the batches of a night are.
    let maxInFlightBytes: Int
    let audit: AuditChain
    /// Attempts recorded at about the same time share one transaction.
    let records: GroupedWrites
    /// Who this worker claims batches as: several nodes (or processes) on one store never attempt
    /// one batch at once. A claim lasts `claimDuration` seconds and is renewed while its attempt runs,
    /// so the batches of a node that died are free again within that time.
    let holder: String
    let claimDuration: TimeInterval
    /// Each recipient's certificate expiry, as the handshakes of the attempts show it.
    public let partnerCertificates: PartnerCertificates
    /// Awaited before each claim is written (tests: a barrier that holds a claim mid-way).
    let beforeClaim: (@Sendable () async -> Void)?
    let logger = Logger(label: "ketenpoort.delivery")

    public init(
        store: any Store, configuration: GatewayConfiguration, client: any DeliveryTransport, clock: any WallClock = SystemWallClock(),
        concurrency: Int = 16,
        maxInFlightBytes: Int? = nil, maxInFlightPerRecipient: Int? = nil, holder: String? = nil, claimDuration: TimeInterval? = nil,
        partnerCertificates: PartnerCertificates = PartnerCertificates(), beforeClaim: (@Sendable () async -> Void)? = nil
    ) {
        self.partnerCertificates = partnerCertificates
        self.beforeClaim = beforeClaim
        self.store = store
        self.holder = holder ?? ProcessHolder.name
        self.claimDuration = claimDuration ?? configuration.delivery.claimDuration
        self.records = GroupedWrites(store: store)
        self.configuration = configuration
        self.client = client
        self.clock = clock
        self.concurrency = concurrency
        self.maxInFlightBytes = maxInFlightBytes ?? configuration.delivery.maxInFlightBytes
        self.maxInFlightPerRecipient = maxInFlightPerRecipient ?? configuration.delivery.maxInFlightPerRecipient
        // Checkpoints are signed with the gateway's identity, the same files it connects with.
        let signer = AuditChain.checkpointSigner(certificate: configuration.identity.certificate, key: configuration.identity.key)
        self.audit = AuditChain(signer: signer, clock: clock, checkpointEvery: configuration.checkpointEvery)
        let limits = configuration.delivery
        self.policy = RetryPolicy(
            initialDelay: .milliseconds(Int64(limits.initialBackoff * 1000)), maximumDelay: .milliseconds(Int64(limits.maxBackoff * 1000)),
            maximumAttempts: limits.maxAttempts)
    }

    /// Keeps delivering until a graceful shutdown (or cancellation), starting each batch as it
    /// comes due and a slot is free. A graceful shutdown cuts the attempts in flight short: they are
    /// not counted, their batches stay pending as they were, and the recipient's idempotency makes
    /// the next run's attempt harmless if one got through.
    ///
    /// A store error (the database restarting, a transaction it gave up) does not end the gateway:
    /// the attempts in flight are cut short as on a shutdown, their claims run out, and delivery
    /// starts again after `restartDelay` seconds.
    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                _ = try await cancelWhenGracefulShutdown { try await self.dispatch(.untilCancelled) }
                return
            } catch let error where !(error is CancellationError) && !Task.isShuttingDownGracefully {
                logger.error("delivery stopped by an error; it starts again shortly", metadata: ["error": "\(error)"])
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(Self.restartDelay)) }
            }
        }
    }

    /// Seconds between a delivery stopped by an error and its new start.
    static let restartDelay: Double = 5

    /// Seconds until the earliest pending batch is due (nil when none is pending).
    public func nextDueDelay() async throws -> Double? {
        let pending = try await pendingBatches()
        let now = clock.now()
        return pending.map { ($0.nextAttemptAt ?? now).timeIntervalSince(now) }.min()
    }

    /// One attempt for every pending batch that is due now, each started as soon as a slot is free.
    public func deliverDue() async throws -> Round {
        try await dispatch(.dueAt(clock.now()))
    }

    /// Delivers until nothing is pending or `deadline` passes (for one-shot runs and tests): no
    /// attempt starts after the deadline, and those in flight then are waited for. `retrying`
    /// lists what is still pending at the end.
    public func deliverUntilDone(deadline: Date) async throws -> Round {
        var round = try await dispatch(.untilDone(deadline: deadline))
        round.retrying = try await pendingBatches().map(\.id)
        return round
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension DeliveryWorker: CustomStringConvertible {
    public var description: String { "DeliveryWorker(holder: \(holder))" }
}
