import Foundation
import KetenpoortCore
import Store

extension DeliveryWorker {
    /// How long a dispatch goes on.
    enum DispatchScope: Sendable {
        /// One attempt for each batch due at this moment (`deliverDue`).
        case dueAt(Date)
        /// Until nothing is pending, or the deadline has passed and the attempts in flight have
        /// ended; nothing starts after the deadline (`deliverUntilDone`).
        case untilDone(deadline: Date)
        /// Until the task is cancelled (`run`, on a graceful shutdown); keeps no `Round`.
        case untilCancelled

        /// Whether the dispatch counts what it did (a `run` of weeks would not forget it).
        var keepsRound: Bool {
            if case .untilCancelled = self { false } else { true }
        }
    }

    /// What the dispatch waits for.
    private enum DispatchEvent: Sendable {
        case finished(batch: BatchID, AttemptOutcome)
        /// The claim of `batches` committed: this worker now holds `claimed` of them.
        case claimed(batches: [BatchDue], claimed: Set<BatchID>)
        case wake(at: Date)
        /// The renewals of the claims ended (the dispatch is over).
        case renewalsEnded
    }

    /// The longest `run` goes without listing the outbox (for batches sealed or re-queued meanwhile).
    static let pollInterval: TimeInterval = 1

    /// Starts each due batch as soon as a slot is free (see `DeliverySlots`), and goes on starting
    /// them while attempts run: a slow or stalled recipient holds only its own slots, and a retry
    /// due in a second starts then, whoever else is still waiting for an answer.
    ///
    /// Only ids, due times and sizes are listed; a batch is read when its attempt starts. The
    /// outbox is listed when the dispatch begins, at each wake-up (a batch comes due, or every
    /// `pollInterval` under `run`) and whenever no attempt is left in flight; in between, the last
    /// listing is worked through, with the due times the attempts set.
    func dispatch(_ scope: DispatchScope) async throws -> Round {
        var round = Round()
        var slots = DeliverySlots(overall: concurrency, perRecipient: maxInFlightPerRecipient, maxBytes: maxInFlightBytes)
        var listing: [BatchDue] = []
        // Under `dueAt`, the batches already attempted (a retry may be due at once again).
        var attempted: Set<BatchID> = []
        var wakeUps: [Date] = []
        var needsListing = true
        // Admitted batches waiting for the next claim, and whether a claim is under way.
        var toClaim: [BatchDue] = []
        var isClaiming = false
        // The batches whose claims this dispatch holds, for the renewals.
        let claimedInFlight = LockedValue<Set<BatchID>>([])
        try await withThrowingTaskGroup(of: DispatchEvent.self) { group in
            // Renewed apart from this loop, which waits for the store now and then (a listing, a
            // claim) and may wait long when a night's commits hold the store.
            group.addTask {
                await self.renewClaims(while: claimedInFlight)
                return .renewalsEnded
            }
            func wake(at moment: Date) {
                guard moment < wakeUps.min() ?? .distantFuture else { return }
                wakeUps.append(moment)
                let delay = max(0, moment.timeIntervalSince(clock.now()))
                group.addTask {
                    try? await Task.sleep(for: .seconds(delay))
                    return .wake(at: moment)
                }
            }
            dispatching: while true {
                let now = clock.now()
                if isStopping(scope) {
                    // Admitted, not yet claimed: never started.
                    for batch in toClaim { slots.release(batch.id) }
                    toClaim = []
                    if slots.isEmpty { break dispatching }
                } else {
                    if needsListing {
                        listing = try await pendingBatches()
                        needsListing = false
                    }
                    var nextDue: Date?
                    var isFull = false
                    var admitted: [BatchDue] = []
                    for batch in listing where !slots.isRunning(batch.id) && !attempted.contains(batch.id) {
                        let due = batch.nextAttemptAt ?? .distantPast
                        if case .dueAt(let moment) = scope, due > moment { continue }
                        guard due <= now else {
                            nextDue = min(nextDue ?? due, due)
                            continue
                        }
                        guard !isFull else { continue }
                        switch slots.admit(batch.id, recipient: batch.recipient, payloadBytes: batch.bytes) {
                        case .admitted:
                            if case .dueAt = scope { attempted.insert(batch.id) }
                            admitted.append(batch)
                        case .recipientBusy:
                            continue
                        case .full:
                            isFull = true
                        }
                    }
                    // One claim at a time, for all the batches admitted since the last one, as a
                    // task of its own: the loop goes on taking the attempts' ends meanwhile (a claim
                    // waits for the store's writer, which a commit of the attempts' records holds
                    // through its flush).
                    toClaim += admitted
                    if !isClaiming && !toClaim.isEmpty {
                        let batches = toClaim
                        toClaim = []
                        isClaiming = true
                        group.addTask { .claimed(batches: batches, claimed: Set(try await self.claim(batches.map(\.id)))) }
                    }
                    let moment = wakeUp(scope, nextDue: nextDue, now: now)
                    // Nothing in flight and nothing to wait for: done.
                    if slots.isEmpty && moment == nil { break dispatching }
                    if let moment { wake(at: moment) }
                }
                guard let event = try await group.next() else { break dispatching }
                switch event {
                case .wake(let moment):
                    wakeUps.removeAll { $0 == moment }
                    needsListing = true
                case .renewalsEnded:
                    break
                case .claimed(let batches, let claimed):
                    isClaiming = false
                    // The dispatch stopped while the claim was being made: nothing more starts.
                    if isStopping(scope) {
                        for batch in batches { slots.release(batch.id) }
                        if !claimed.isEmpty { await releaseClaims(Array(claimed)) }
                        continue dispatching
                    }
                    claimedInFlight.withLock { $0.formUnion(claimed) }
                    let now = clock.now()
                    for batch in batches {
                        let id = batch.id
                        if claimed.contains(id) {
                            group.addTask { .finished(batch: id, try await self.attempt(batch: id)) }
                            continue
                        }
                        // Another holder has it: left to it, looked at again once its claim could have ended.
                        slots.release(id)
                        let recheck = now.addingTimeInterval(claimDuration / 4)
                        if let index = listing.firstIndex(where: { $0.id == id }) {
                            listing[index] = BatchDue(id: id, recipient: batch.recipient, nextAttemptAt: recheck, bytes: batch.bytes)
                        }
                        if case .dueAt = scope { continue }
                        if let moment = wakeUp(scope, nextDue: recheck, now: now) { wake(at: moment) }
                    }
                case .finished(let id, let outcome):
                    slots.release(id)
                    claimedInFlight.withLock { _ = $0.remove(id) }
                    if case .retry(let next) = outcome, let index = listing.firstIndex(where: { $0.id == id }) {
                        let listed = listing[index]
                        listing[index] = BatchDue(id: id, recipient: listed.recipient, nextAttemptAt: next, bytes: listed.bytes)
                    } else {
                        listing.removeAll { $0.id == id }
                    }
                    if scope.keepsRound { round.count(outcome, of: id) }
                    if slots.isEmpty { needsListing = true }
                }
            }
            // Only wake-ups and the renewals can be left: they end at once.
            group.cancelAll()
        }
        return round
    }

    /// Whether to start nothing more: the task is cancelled, or the deadline has passed.
    private func isStopping(_ scope: DispatchScope) -> Bool {
        if Task.isCancelled { return true }
        if case .untilDone(let deadline) = scope { return Date() >= deadline }
        return false
    }

    /// When to look again, with `nextDue` the earliest due time still ahead; nil when nothing is worth waiting for.
    private func wakeUp(_ scope: DispatchScope, nextDue: Date?, now: Date) -> Date? {
        switch scope {
        case .dueAt:
            return nil
        case .untilDone(let deadline):
            // The deadline is real time (as `deliverUntilDone` promises its caller), due times the clock's.
            return nextDue.flatMap { $0.timeIntervalSince(now) <= deadline.timeIntervalSinceNow ? $0 : nil }
        case .untilCancelled:
            return min(nextDue ?? .distantFuture, now.addingTimeInterval(Self.pollInterval))
        }
    }

    /// Claims `batches` for this worker, in one transaction; returns those it now holds. Claims are
    /// written as batch work, which a shutdown does not cut short (claims left behind would hold
    /// their batches from the next worker until they end), and without a flush of their own
    /// (`writeUnflushed`): one lost in a crash of the machine leaves its batch to be claimed and sent
    /// again, the same sealed bytes under the same idempotency key, and a claim is half of a night's
    /// flushes otherwise (a night of 10,900 persons: 756 fdatasyncs, 429 without).
    private func claim(_ batches: [BatchID]) async throws -> [BatchID] {
        await beforeClaim?()
        let store = self.store, holder = self.holder, duration = claimDuration
        return try await BatchWork.run { try store.writeUnflushed { try $0.claim(batches: batches, holder: holder, for: duration) } }
    }

    /// Extends, every third of a claim and until cancelled, the claims in `inFlight` (real time,
    /// whatever the worker's clock says). A claim already lost (this node paused past it, and
    /// another may have taken the batch over) is logged: the attempt goes on, and the recipient's
    /// idempotency keeps a second delivery of the same bytes harmless. A claim released meanwhile
    /// is not: its attempt ended (recorded, claim released) before the dispatch saw it finish.
    ///
    /// Apart from the dispatch loop (which waits for listings and claims: on PostgreSQL, behind a
    /// night's commits, long enough to let claims run out — `make bench`'s 1M night lost two), on a
    /// thread of normal policy (not batch work, which a busy night starves), through
    /// `Store.renewal` (which queues behind no other transaction). A failed renewal is logged and
    /// tried again at the next turn.
    private func renewClaims(while inFlight: LockedValue<Set<BatchID>>) async {
        let store = self.store, holder = self.holder, duration = claimDuration
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(duration / 3))
            let batches = inFlight.withLock { Array($0) }
            guard !Task.isCancelled, !batches.isEmpty else { continue }
            let started = ContinuousClock.now
            defer {
                let took = ContinuousClock.now - started
                if took > .seconds(duration / 3) {
                    logger.notice(
                        "slow renewal of the claims in flight: longer than a third of a claim",
                        metadata: [
                            "batches": "\(batches.count)",
                            "ms": "\(Int(took / .milliseconds(1)))",
                        ])
                }
            }
            do {
                let lost = try await OwnThread.run {
                    try store.renewal { tx in try batches.filter { try tx.renewClaim(batch: $0, holder: holder, for: duration) == .lost } }
                }
                for batch in lost {
                    logger.warning(
                        "claim on a batch in flight was lost: it expired before it was renewed, and another node may hold it now",
                        metadata: ["batch": "\(batch)"])
                }
            } catch {
                logger.warning("claims of the batches in flight not renewed: trying again shortly", metadata: ["error": "\(error)"])
            }
        }
    }

    /// The pending batches: ids, recipients, due times and sizes only.
    func pendingBatches() async throws -> [BatchDue] {
        let store = self.store
        return try await BatchWork.run { try store.read { try $0.schedule(status: .pending) } }
    }
}

extension DeliveryWorker.Round {
    /// Counts an attempt's outcome: one that was interrupted or found nothing to do stays pending.
    mutating func count(_ outcome: DeliveryWorker.AttemptOutcome, of batch: BatchID) {
        switch outcome {
        case .delivered: delivered.append(batch)
        case .deadLettered: deadLettered.append(batch)
        case .retry, .interrupted, .notPending: retrying.append(batch)
        }
    }
}
