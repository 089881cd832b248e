import Foundation
import KetenpoortCore

/// The gateway's durable state behind one small protocol, so a second engine (PostgreSQL) can
/// implement it. Every change happens inside `write`: all of it is durable, or none of it.
public protocol Store: Sendable {
    /// Runs `body` in one transaction and commits it; a thrown error rolls everything back.
    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// Runs `body` on a consistent read-only view.
    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T
    /// The processing log, which never waits for the transactions of `write`.
    var processingLog: any ProcessingLog { get }
    /// The DUO status store, which never waits for the transactions of `write` either.
    var duoStatus: any DuoStatusStore { get }
}

/// What the flows may read and change in one transaction.
public protocol StoreTransaction: CbsDeliveryTransaction {
    // DUO extracts applied to the status store (`Store.duoStatus`), which commits apart.
    /// Whether the applied extract `sequence` has its record here: findings, run and audit entry.
    func isDuoExtractRecorded(sequence: Int) throws -> Bool
    /// Notes that the applied extract `mark` has its record here, in the transaction that writes it.
    func markDuoExtractRecorded(_ mark: DuoExtractMark) throws

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
    func syncRun(_ run: String) throws -> SyncRunMark?
    /// Records that `mark.run` began (or replaces its mark).
    func beginSyncRun(_ mark: SyncRunMark) throws
    /// Records that a batch of `run` was sealed into the outbox (or blocked by a guard), in the
    /// transaction that does it.
    func recordSyncBatch(run: String, batch: String, blocked: Bool) throws
    /// The batches of `run` sealed or blocked so far, in the order they were.
    func syncBatches(run: String) throws -> [(batch: String, blocked: Bool)]
    /// Forgets every sync of `job` under way, and the batches recorded for them (the run finished).
    func endSyncRuns(job: String) throws

    // The outbox.
    /// Inserts `batch`, whose payload parts were appended before (`insertBatch(_:payload:)` does both).
    func insertBatch(_ batch: OutboxBatch) throws
    /// Stores part `part` (0, 1, …) of the payload of `batch`: at most `OutboxBatch.payloadPartSize` bytes.
    func appendPayloadPart(batch: String, part: Int, bytes: some DataProtocol) throws
    /// Part `part` of the payload of `batch`; nil past the last part (none at all once deleted).
    func payloadPart(batch: String, part: Int) throws -> Data?
    /// The finished batches (delivered, blocked, recalled) of `contract` sealed before `cutoff`
    /// whose payload is still kept, oldest first.
    func batchesKeepingPayload(contract: String, sealedBefore cutoff: Date) throws -> [String]
    /// Deletes the payload of `batch`; its row, seal and audit entries stay.
    func deletePayload(batch: String) throws
    func batch(id: String) throws -> OutboxBatch?
    func batches(status: BatchStatus?) throws -> [OutboxBatch]
    /// The ids and due times of the batches with `status`, without their payloads (cheap to list).
    func schedule(status: BatchStatus) throws -> [BatchDue]
    /// Puts a dead-lettered (or pending) batch back in line, due at `at`, with its attempts counted afresh.
    func requeue(batch: String, at: Date) throws
    /// Records a delivery attempt and the batch's new status (a batch no longer pending — recalled
    /// meanwhile — keeps its status, unless the attempt delivered it).
    func recordAttempt(_ attempt: DeliveryAttempt, status: BatchStatus, nextAttemptAt: Date?) throws

    // Scratch space.
    /// Sorts byte strings that need not fit in memory: `fill` adds them, then `sorted` gets them
    /// back in byte order (shorter first when one is a prefix of the other). They are kept in this
    /// transaction's temporary storage, which spills to disk, and are gone when it returns. The
    /// `Data` given to `sorted` is valid only during that call.
    func sortOnDisk(_ fill: (_ add: (Data) throws -> Void) throws -> Void, sorted: (Data) throws -> Void) throws

    // Findings and runs.
    func quarantine(_ entry: QuarantineEntry) throws
    func quarantined(run: String) throws -> [QuarantineEntry]
    func recordRun(_ run: RunRecord) throws
    func runs(job: String) throws -> [RunRecord]

    // Schedules.
    /// The last due time a schedule ran for, if it ever ran.
    func lastDue(schedule: String) throws -> Date?
    /// Records that `schedule` ran for `due` (started at `startedAt`).
    func recordScheduled(schedule: String, due: Date, startedAt: Date, finishedAt: Date?) throws

    // The incident register: append-only (the SQLite engine refuses UPDATE and DELETE).
    /// Inserts a new incident; an existing id is an error.
    func recordIncident(_ incident: IncidentRecord) throws
    func incident(id: String) throws -> IncidentRecord?
    /// Every incident, oldest first.
    func incidents() throws -> [IncidentRecord]
    func appendIncidentEvent(_ event: IncidentEvent) throws
    /// The events of `incident`, oldest first.
    func incidentEvents(incident: String) throws -> [IncidentEvent]
    /// Counts one more attempt of an aggregated incident and returns the new total.
    func countAttempt(incident: String, at: Date) throws -> Int
    /// The attempts counted for `incident` (0 when it is not aggregated).
    func attempts(incident: String) throws -> Int

    // The audit chain: append-only.
    func appendAuditEntry(_ entry: AuditEntry) throws
    func lastAuditEntry() throws -> AuditEntry?
    func auditEntry(seq: Int) throws -> AuditEntry?
    /// The seq of the entry whose hash is `hash`, if any.
    func auditSeq(hash: String) throws -> Int?
    /// Calls `body` for the entries from `seq` on (through `last`, when given), in seq order.
    func forEachAuditEntry(from seq: Int, through last: Int?, _ body: (AuditEntry) throws -> Void) throws
    /// The entries of `kind` whose payload has `field` equal to `value`, in seq order.
    func auditEntries(kind: String, field: String, equals value: String) throws -> [AuditEntry]
    func insertCheckpoint(_ checkpoint: AuditCheckpoint) throws
    /// Every checkpoint, in seq order.
    func checkpoints() throws -> [AuditCheckpoint]
    func lastCheckpoint() throws -> AuditCheckpoint?

    // The consent register (versions only appended), its decision log (append-only) and held advice.
    /// Appends `version`; an existing (id, version) is an error.
    func appendConsentVersion(_ version: ConsentVersion) throws
    /// Every version of consent `id`, oldest first.
    func consentVersions(id: String) throws -> [ConsentVersion]
    /// Every version of the consents any version of which is about `bsn`, oldest first.
    func consentVersions(bsn: String) throws -> [ConsentVersion]
    /// Every version of the consents any version of which is for `purpose`, oldest first.
    func consentVersions(purpose: String) throws -> [ConsentVersion]
    /// Appends a decision to the log and returns its position.
    @discardableResult
    func appendDecision(_ decision: ConsentDecision) throws -> Int
    /// The decisions about `reference` (all when nil), in log order.
    func decisions(reference: String?) throws -> [ConsentDecision]
    /// The decisions about one subject (a pseudonym), oldest first (a scan of the log).
    func decisions(subject: String) throws -> [ConsentDecision]
    /// Stores a newly received advice as held; an existing id is an error.
    func holdAdvice(_ advice: HeldAdvice) throws
    func advice(id: String) throws -> HeldAdvice?
    /// The advices with `status`, oldest first.
    func advices(status: AdviceStatus) throws -> [HeldAdvice]
    /// Marks advice `id` sealed into `batch` and drops its content (the batch holds it now).
    func markAdviceSealed(id: String, batch: String) throws
    /// Deletes the advices still held (never released) that were received before `cutoff`, zeroed in
    /// the file; returns their ids.
    func deleteHeldAdvices(receivedBefore cutoff: Date) throws -> [String]
    /// Marks sealed advice `id` recalled.
    func markAdviceRecalled(id: String) throws
    /// Holds a recalled advice again, received anew: its subject and content as `advice` has them.
    func holdAgain(_ advice: HeldAdvice) throws
    /// Recalls `batch` if it was not delivered yet (pending or dead-lettered): its status becomes
    /// `recalled` and its payload is deleted. Whether it was recalled.
    func recallBatch(id: String) throws -> Bool
}
