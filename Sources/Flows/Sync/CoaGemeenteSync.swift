import Adapters
import Contracts
import Crypto
import Foundation
import KetenpoortCore
import Logging
import Sealing
import Store

/// The nightly sync COA → municipalities: compares a COA snapshot with what each municipality has
/// been sent, stages the `nieuw`, `wijziging` and `intrekking` notifications, seals one batch per
/// municipality (split above the batch size) into the outbox, and accepts the snapshot — all in
/// one store transaction, so a crash at any moment leaves either everything or nothing.
public struct CoaGemeenteSync: Sendable {
    public static let job = "coa-gemeenten"
    static let source = "coa"

    let pipeline: ValidationPipeline
    let outbound: OutboundAdapter
    let store: any Store
    let registry: PartyRegistry
    let sealer: BatchSealer
    let clock: any WallClock
    let maxBatchRecords: Int
    let pseudonymKey: Data
    /// The audit chain sealing appends to (the runtime sets the configured one).
    public var audit: AuditChain?
    let logger = Logger(label: "ketenpoort.sync")

    public init(
        workspace: Workspace, store: any Store, registry: PartyRegistry, sealer: BatchSealer, pseudonymKey: Data,
        clock: any WallClock = SystemWallClock(), maxBatchRecords: Int = 5_000
    ) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: "coa-tvs-export"), clock: clock)
        outbound = try workspace.adapters.outbound(partner: .gemeente)
        self.store = store
        self.registry = registry
        self.sealer = sealer
        self.clock = clock
        self.maxBatchRecords = maxBatchRecords
        self.pseudonymKey = pseudonymKey
    }

    /// The snapshot date in a file name `tvs-export-YYYYMMDD.csv`.
    public static func snapshotDate(fileName: String) -> CalendarDate? {
        guard fileName.hasPrefix("tvs-export-"), fileName.hasSuffix(".csv") else { return nil }
        let digits = fileName.dropFirst("tvs-export-".count).dropLast(".csv".count)
        guard digits.count == 8, let (y, m, d) = DateLayout.compact.parts(of: String(digits)) else { return nil }
        return CalendarDate(year: y, month: m, day: d)
    }

    /// Runs the sync for `input`; the snapshot date comes from `date` or the file name.
    public func run(input: URL, date: CalendarDate? = nil) throws -> SyncReport {
        guard let snapshotDate = date ?? Self.snapshotDate(fileName: input.lastPathComponent) else {
            throw KetenpoortError(.syncRefused, "\(input.lastPathComponent): no snapshot date (name the file tvs-export-YYYYMMDD.csv)")
        }
        let runID = "\(Self.job)-\(snapshotDate.compact)"
        let started = clock.now()
        do {
            let report = try store.write { tx in try run(input: input, date: snapshotDate, runID: runID, started: started, tx: tx) }
            logger.info("sync done", metadata: ["run": "\(runID)", "notifications": "\(report.notifications)", "batches": "\(report.batches.count)"])
            return report
        } catch let rejection as SnapshotRejected {
            // Nothing of a rejected snapshot is applied; the findings are kept for the operator.
            try store.write { tx in
                for finding in rejection.report.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
                try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: "{\"rejected\": true}"))
            }
            var report = SyncReport(run: runID, snapshotDate: snapshotDate.iso, validation: rejection.report)
            report.batches = []
            return report
        }
    }

    struct SnapshotRejected: Error {
        let report: ValidationReport
    }

    private func run(input: URL, date: CalendarDate, runID: String, started: Date, tx: any StoreTransaction) throws -> SyncReport {
        if let last = try tx.lastSnapshot(source: Self.source), date <= last.date {
            throw KetenpoortError(.syncRefused, "snapshot \(date.iso) is not newer than the last accepted one (\(last.date.iso))")
        }
        try tx.clearStaged(run: runID)
        let object = pipeline.adapter.mapping.item.object
        let slots = (
            bsn: object.slot(of: "bsn")!, vnummer: object.slot(of: "vnummer")!, gemeente: object.slot(of: "gemeente")!,
            housed: object.slot(of: "huisvestingsdatum")!
        )
        // Consent is judged once per run, at the moment the run's batches are sealed.
        let consent = try ConsentPolicy(outbound: outbound, input: object, moment: started, in: tx)
        let decisions = ConsentDecisionLog(pseudonym: SubjectPseudonym(key: pseudonymKey), flow: Self.job)
        var stager = Stager(run: runID, tx: tx, outbound: outbound, object: object, decisions: decisions, moment: started)
        var report = SyncReport(run: runID, snapshotDate: date.iso, validation: ValidationReport(contract: object.name))
        let validation = try pipeline.run(input) { record, isClean in
            let bsn = record.values[slots.bsn].text, vnummer = record.values[slots.vnummer].text
            guard let person = PersonKey(vnummer: vnummer, bsn: bsn) else { return }
            guard isClean else {
                // A quarantined row changes nothing: its municipality keeps what it has.
                for state in try tx.sentStates(person: person) { try tx.putSent(state.touched(by: runID)) }
                return
            }
            let gemeente = record.values[slots.gemeente].text
            let states = try tx.sentStates(person: person)
            // Linked elsewhere before: withdraw there (identifiers only).
            for state in states where state.gemeente != gemeente {
                if registry.gemeente(state.gemeente) == nil {
                    report.held[state.gemeente, default: 0] += 1
                    try tx.putSent(state.touched(by: runID))
                    continue
                }
                try stager.stageWithdrawal(state)
                try tx.removeSent(gemeente: state.gemeente, person: person)
                report.perMunicipality[state.gemeente, default: .init()].intrekking += 1
            }
            guard let gemeente else {
                if states.isEmpty { report.unlinked += 1 }
                return
            }
            let health = consent.decide(record, bsn: bsn, recipient: gemeente)
            let fragment = try stager.fragment(record, soort: "nieuw", consented: health?.consented ?? [])
            let state = SentState(
                gemeente: gemeente, person: person, bsn: bsn, vnummer: vnummer, contentHash: Self.hash(fragment),
                isHoused: !record.values[slots.housed].isAbsent, lastRun: runID)
            let previous = states.first { $0.gemeente == gemeente }
            guard registry.gemeente(gemeente) != nil else {
                report.held[gemeente, default: 0] += 1
                if let previous { try tx.putSent(previous.touched(by: runID)) }
                return
            }
            if let previous, previous.contentHash == state.contentHash {
                try tx.putSent(state)
                report.unchanged += 1
            } else if let previous {
                // Seen tonight: the old state stays until the change is sealed, then is replaced.
                try tx.putSent(previous.touched(by: runID))
                try stager.stage(try stager.fragment(record, soort: "wijziging", consented: health?.consented ?? []), soort: "wijziging", state: state, consent: health)
                report.perMunicipality[gemeente, default: .init()].wijziging += 1
            } else {
                try stager.stage(fragment, soort: "nieuw", state: state, consent: health)
                report.perMunicipality[gemeente, default: .init()].nieuw += 1
            }
        }
        report.validation = validation
        if validation.isRejected { throw SnapshotRejected(report: validation) }
        // Gone from the snapshot: withdraw, unless they had been housed there.
        try tx.forEachSent(notSeenIn: runID) { state in
            if state.isHoused {
                try tx.removeSent(gemeente: state.gemeente, person: state.person)
                report.leftHoused += 1
            } else if registry.gemeente(state.gemeente) == nil {
                report.held[state.gemeente, default: 0] += 1
            } else {
                try stager.stageWithdrawal(state)
                try tx.removeSent(gemeente: state.gemeente, person: state.person)
                report.perMunicipality[state.gemeente, default: .init()].intrekking += 1
            }
        }
        try seal(runID: runID, at: started, guard: ConsentGuard(outbound: outbound, policy: consent), tx: tx, report: &report)
        try tx.clearStaged(run: runID)
        for finding in validation.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
        try tx.acceptSnapshot(SnapshotMark(source: Self.source, date: date, run: runID, acceptedAt: clock.now(), items: validation.items))
        let json = String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
        try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: json))
        return report
    }

    static func hash(_ bytes: Data) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }

    static func entry(_ finding: Finding, run: String) -> QuarantineEntry {
        QuarantineEntry(run: run, source: source, position: finding.position.description, field: finding.field, rule: finding.rule.rawValue, message: finding.message)
    }

    /// A keyed pseudonym of a person for incident records (never the BSN itself).
    func pseudonym(_ person: PersonKey) -> String {
        SubjectPseudonym(key: pseudonymKey).of(person)
    }
}

extension SentState {
    /// The same state, marked as seen by `run`.
    func touched(by run: String) -> SentState {
        SentState(gemeente: gemeente, person: person, bsn: bsn, vnummer: vnummer, contentHash: contentHash, isHoused: isHoused, lastRun: run)
    }
}

extension KetenpoortError.Code {
    public static let syncRefused: Self = "sync.refused"
}
