import Foundation
import KetenpoortCore
import Store

/// Puts dead-lettered batches back in line, as an operator asks (the command line now, the
/// console later): same id, same bytes, and a `batch.resent` entry on the audit chain in the same
/// transaction.
public struct DeadLetters: Sendable {
    let store: any Store
    let audit: AuditChain
    let clock: any WallClock

    public init(store: any Store, audit: AuditChain, clock: any WallClock) {
        self.store = store
        self.audit = audit
        self.clock = clock
    }

    /// What became of a request to resend a batch.
    public enum Outcome: Sendable, Equatable {
        /// Pending again (it was dead-lettered, or still pending: then its wait is cut short).
        case resent
        /// No batch of that id is in the outbox.
        case unknown
        /// Its status does not allow it (delivered, recalled): nothing changed.
        case refused(BatchStatus)
    }

    /// Puts `batch` back in line when it is dead-lettered (or pending), as `actor` asked.
    public func resend(_ batch: BatchID, by actor: OperatorIdentity) throws -> Outcome {
        try store.write { tx in
            guard let found = try tx.batch(id: batch) else { return .unknown }
            guard found.status == .deadLettered || found.status == .pending else { return .refused(found.status) }
            try tx.requeue(batch: batch, at: clock.now())
            try audit.append(.resent(batch: batch, by: actor), in: tx)
            return .resent
        }
    }
}
