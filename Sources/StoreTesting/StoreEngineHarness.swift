import Foundation
import KetenpoortCore
import Store

/// What the conformance suite needs of an engine: a fresh store to run a check on, and a way to
/// try, behind the protocols' back, the changes the engine must refuse.
public protocol StoreEngineHarness: Sendable {
    /// Opens a new, empty store whose claims and leases run by `clock`, runs `body` on it, and
    /// removes the store afterwards.
    func withStore(clock: SteppingClock, _ body: (any Store) async throws -> Void) async throws
    /// Changes or deletes a row of `record`'s kind the way anyone with the gateway's database rights
    /// could (the engine's own statements). The engine must refuse it; the harness reports that
    /// refusal as `store.append-only` and any other failure (a wrong statement) as it is, so a check
    /// cannot pass on a typo.
    func tamper(_ record: AppendOnlyRecord, _ operation: Tampering, in store: any Store) throws
}

/// The kinds of records the store keeps append-only.
public enum AppendOnlyRecord: String, Sendable, CaseIterable {
    case auditEntry, auditCheckpoint, incident, incidentEvent, consentVersion, consentDecision, processingLog, inboxReceipt
}

/// A change an append-only record must refuse.
public enum Tampering: String, Sendable, CaseIterable {
    case update, delete
}

/// A clock a check moves by hand: claims and leases expire when the check says so, not when a
/// test machine gets round to it.
public final class SteppingClock: WallClock {
    private let instant: LockedValue<Date>

    public init(_ instant: Date = Date(timeIntervalSince1970: 1_795_000_000)) { self.instant = LockedValue(instant) }

    public func now() -> Date { instant.withLock { $0 } }

    /// Moves the clock `seconds` on.
    public func advance(_ seconds: TimeInterval) { instant.withLock { $0 += seconds } }
}
