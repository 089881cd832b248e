import Adapters
import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Sealing
import Store

/// The nightly sync COA → municipalities: compares a COA snapshot with what each municipality has
/// been sent, decides the `nieuw`, `wijziging` and `intrekking` notifications, and seals one batch
/// per municipality (split above the batch size) into the outbox.
///
/// The night is prepared outside the store's write lock and applied in short steps, so the IND's
/// answers, the delivery worker and the audit chain never wait for a whole night:
/// 1. **stage** — the snapshot is validated and each person's record kept in a scratch file
///    (`SyncStaging`), per municipality in file order and indexed by person;
/// 2. **merge** — one pass over the sorted snapshot beside the sent state (read in person order
///    from a consistent read view) decides every notification, withdrawal and count;
/// 3. **apply** — per batch one transaction: consent decisions, the guards, the sealed batch in the
///    outbox, its audit entry, and the sent state of exactly its notifications;
/// 4. **finish** — one transaction: findings, the accepted snapshot, the run record.
///
/// A crash at any point loses nothing and sends nothing twice: the run's mark (its moment and
/// report) stays until step 4, and the same snapshot given again stages anew against the sent
/// state the applied batches left — those persons are then unchanged — so the rest of the night is
/// sealed, under the run's first moment, and nothing of it before. A snapshot already accepted is
/// refused with `sync.already-applied`.
public struct CoaGemeenteSync: Sendable {
    public static let job = "coa-gemeenten"
    static let source = "coa"
    /// The contract of the snapshots it takes.
    public static let contract = "coa-tvs-export"
    /// The internal kind of a staged step that only forgets a sent state (a person who left after
    /// being housed: nothing is sent).

    let pipeline: ValidationPipeline
    let outbound: OutboundAdapter
    var store: any Store
    let registry: PartyRegistry
    let sealer: BatchSealer
    let clock: any WallClock
    let maxBatchRecords: Int
    let pseudonymKey: Data
    /// Where a run's scratch file and the job's lock are kept.
    let scratchDirectory: URL
    /// The audit chain sealing appends to (the runtime sets the configured one).
    public var audit: AuditChain?
    /// On a store several nodes share: the duration of the store lease (`sync:coa-gemeenten`) that
    /// keeps the night on one node at a time, its writes fenced. Nil on an embedded store, which
    /// one host holds: the file lock does it there.
    public var nodeLease: TimeInterval?
    /// The payload bytes of sealed batches that commit together at most (unless one batch alone is
    /// larger): 2 MiB, one or two municipalities' batches of a national night. With at most
    /// `maxBatchRecords` records, it bounds what waits in memory for the committer.
    var commitGroupBytes = 2 << 20
    /// Records in the first group of sealed batches that commit together; each next group may
    /// hold twice as many, up to `maxBatchRecords`. Small, so the delivery worker starts sending
    /// within milliseconds of the sealing rather than after the first 5,000 records of it.
    var firstGroupRecords = 256
    /// Told how far the night is: `reading` (snapshot rows), `comparing` (persons), `sealing` (notifications).
    public var progress: any WorkProgress = NoProgress()
    let logger = Logger(label: "ketenpoort.sync")

    public init(
        workspace: Workspace, store: any Store, registry: PartyRegistry, sealer: BatchSealer, pseudonymKey: Data, scratchDirectory: URL,
        clock: any WallClock = SystemWallClock(), maxBatchRecords: Int = 5_000
    ) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: Self.contract), clock: clock)
        outbound = try workspace.adapters.outbound(partner: .gemeente)
        self.store = store
        self.registry = registry
        self.sealer = sealer
        self.clock = clock
        self.maxBatchRecords = maxBatchRecords
        self.pseudonymKey = pseudonymKey
        self.scratchDirectory = scratchDirectory
    }

    /// The snapshot date in a file name that follows the COA adapter's `fileName` (`tvs-export-{yyyymmdd}.csv`).
    public func snapshotDate(fileName: String) -> CalendarDate? { pipeline.adapter.mapping.fileName?.date(in: fileName) }

    /// Runs the sync for a delivered snapshot (the inbox): `applied` or `rejected` with its counts.
    /// A snapshot applied before (a crash between the sync's commit and the receipt) gets the
    /// report it had, as `applied`.
    public func take(_ file: URL) throws -> Exchange.FileOutcome {
        do {
            return Exchange.appliedOrRejected(try run(input: file).validation)
        } catch let error as KetenpoortError where error.code == .syncAlreadyApplied {
            guard let date = snapshotDate(fileName: file.lastPathComponent), let report = try recordedReport(run: Self.runID(date)) else {
                throw error
            }
            return ("applied", report.validation)
        }
    }

    /// The run id of the snapshot of `date`.
    public static func runID(_ date: CalendarDate) -> RunID { RunID("\(job)-\(date.compact)") }

    /// Runs the sync for `input`; the snapshot date comes from `date` or the file name.
    public func run(input: URL, date: CalendarDate? = nil) throws -> SyncReport {
        guard let snapshotDate = date ?? snapshotDate(fileName: input.lastPathComponent) else {
            let rule = pipeline.adapter.mapping.fileName.map { " (name the file \($0))" } ?? ""
            throw KetenpoortError(.syncRefused, "\(input.lastPathComponent): no snapshot date\(rule)")
        }
        // One sync at a time on this host (the inbox, the drop folder and the command line), and on
        // a shared store one at a time among the nodes.
        let lock = try FileLock(url: scratchDirectory.appendingPathComponent("\(Self.job).lock"))
        defer { lock.release() }
        guard let nodeLease else { return try run(input: input, snapshotDate: snapshotDate) }
        return try HeldLease.run("sync:\(Self.job)", on: store, duration: nodeLease) { fenced in
            var sync = self
            sync.store = fenced
            return try sync.run(input: input, snapshotDate: snapshotDate)
        }
    }

    /// The sync of the snapshot of `snapshotDate`, under the locks.
    private func run(input: URL, snapshotDate: CalendarDate) throws -> SyncReport {
        let runID = Self.runID(snapshotDate)
        let (last, mark) = try store.read { tx in (try tx.lastSnapshot(source: Self.source), try tx.syncRun(runID)) }
        if let last, last.run == runID {
            throw KetenpoortError(.syncAlreadyApplied, "snapshot \(snapshotDate.iso) was applied already (run \(runID))")
        }
        if let last, snapshotDate <= last.date {
            throw KetenpoortError(.syncRefused, "snapshot \(snapshotDate.iso) is not newer than the last accepted one (\(last.date.iso))")
        }
        // A run resumed after a crash keeps the moment it began: all its batches are sealed as of it.
        let started = mark?.startedAt ?? clock.now()
        let consent = try store.read { tx in
            try ConsentPolicy(outbound: outbound, input: pipeline.adapter.mapping.item.object, moment: started, in: tx)
        }
        let t0 = Date()
        let staging = try SyncStaging(
            directory: scratchDirectory, run: runID, municipalities: registry.parties.compactMap { $0.party.gemeente?.value })
        var report = SyncReport(run: runID, snapshotDate: snapshotDate.iso, validation: ValidationReport(contract: "coa-tvs-export"))
        report.validation = try stage(input, into: staging, consent: consent)
        if report.validation.isRejected {
            // Nothing of a rejected snapshot is applied; the findings are kept for the operator.
            try store.write { tx in
                for finding in report.validation.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
                try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: "{\"rejected\": true}"))
            }
            return report
        }
        let t1 = Date()
        try merge(staging, run: runID, report: &report)
        let t2 = Date()
        if let stored = mark?.report, let first = try? JSONDecoder().decode(SyncReport.self, from: Data(stored.utf8)) {
            // Resumed: the counts are the night's as first computed (applied batches now look unchanged).
            report = first
        } else {
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            try store.write { tx in try tx.beginSyncRun(SyncRunMark(run: runID, job: Self.job, startedAt: started, report: json)) }
        }
        FaultPoint.reached("sync.begun")
        try apply(staging, run: runID, at: started, consent: consent, report: &report)
        let t3 = Date()
        logger.info(
            "sync phases",
            metadata: [
                "run": "\(runID)", "stage.s": "\(t1.timeIntervalSince(t0))", "merge.s": "\(t2.timeIntervalSince(t1))",
                "apply.s": "\(t3.timeIntervalSince(t2))",
            ])
        try store.write { tx in
            for finding in report.validation.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
            try tx.acceptSnapshot(
                SnapshotMark(source: Self.source, date: snapshotDate, run: runID, acceptedAt: clock.now(), items: report.validation.items))
            let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
            try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: json))
            try tx.endSyncRuns(job: Self.job)
        }
        FaultPoint.reached("sync.finished")
        logger.info("sync done", metadata: ["run": "\(runID)", "notifications": "\(report.notifications)", "batches": "\(report.batches.count)"])
        return report
    }

    /// The report of `run` as recorded when it finished (nil when it did not, or was rejected).
    public func recordedReport(run: RunID) throws -> SyncReport? {
        guard let record = try store.read({ tx in try tx.runs(job: Self.job) }).last(where: { $0.id == run }) else { return nil }
        return try? JSONDecoder().decode(SyncReport.self, from: Data(record.report.utf8))
    }

    static func hash(_ bytes: some DataProtocol) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    static func entry(_ finding: Finding, run: RunID) -> QuarantineEntry {
        QuarantineEntry(
            run: run, source: source, position: finding.position.description, field: finding.field, rule: finding.rule.rawValue,
            message: finding.message)
    }

    /// A keyed pseudonym of a person for incident records (never the BSN itself).
    func pseudonym(_ person: PersonKey) -> String {
        SubjectPseudonym(key: pseudonymKey).of(person)
    }
}

extension KetenpoortError.Code {
    public static let syncRefused: Self = "sync.refused"
    /// The snapshot given was accepted already: nothing to do (a drop folder files it as processed).
    public static let syncAlreadyApplied: Self = "sync.already-applied"
}
