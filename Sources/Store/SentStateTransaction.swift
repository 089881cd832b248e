import Foundation
import KetenpoortCore

/// The nightly sync's state: the last accepted snapshot of each source, what each municipality
/// was sent, and the syncs under way.
public protocol SentStateTransaction {
    // Snapshots.
    /// The last accepted snapshot of `source`, if any.
    func lastSnapshot(source: String) throws -> SnapshotMark?
    /// Records `mark` as the last accepted snapshot of its source.
    func acceptSnapshot(_ mark: SnapshotMark) throws

    // What each municipality has been sent.
    /// Every municipality's sent state about the person with `bsn` (a subject access request).
    func sentStates(bsn: String) throws -> [SentState]
    /// Inserts or replaces the sent state of (`state.gemeente`, `state.person`).
    func putSent(_ state: SentState) throws
    /// Forgets what `gemeente` was sent about `person`.
    func removeSent(gemeente: String, person: PersonKey) throws
    /// Calls `body` for every sent state, ordered by person and then municipality (a cursor: memory
    /// stays flat; the nightly sync merges it with the snapshot sorted the same way).
    func forEachSentByPerson(_ body: (SentState) throws -> Void) throws

    // Nightly syncs under way.
    /// The sync `run`, if it began and did not finish.
    func syncRun(_ run: RunID) throws -> SyncRunMark?
    /// Records that `mark.run` began (or replaces its mark).
    func beginSyncRun(_ mark: SyncRunMark) throws
    /// Records that a batch of `run` was sealed into the outbox (or blocked by a guard), in the
    /// transaction that does it.
    func recordSyncBatch(run: RunID, batch: BatchID, blocked: Bool) throws
    /// The batches of `run` sealed or blocked so far, in the order they were.
    func syncBatches(run: RunID) throws -> [(batch: BatchID, blocked: Bool)]
    /// Forgets every sync of `job` under way, and the batches recorded for them (the run finished).
    func endSyncRuns(job: String) throws
}
