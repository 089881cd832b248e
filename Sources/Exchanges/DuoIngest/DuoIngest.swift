import Adapters
import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Sealing
import Store

/// Applies a DUO status extract (formats.md §3) to the status store, atomically: the header, every
/// detail record, the trailer's count and control total and the next sequence number are checked
/// while the records are applied inside one transaction of the status store, which commits only when
/// the file has no file-level finding. A rejected file leaves the store exactly as it was.
///
/// Each extract is the full national state. After applying, the store holds the file's persons:
/// - a clean record inserts or replaces that person's status;
/// - a quarantined record (reported with record number and rule code) keeps that person's previous
///   status, when its BSN can still be read (from the record, or from positions 2–10 when they pass
///   the 11-test); a person the store did not hold is not added; without a usable BSN nobody is kept;
/// - a person absent from the file is removed.
///
/// The first file sets the sequence baseline; then each file must carry the next number. The file
/// applied last, given again (same sequence number, same bytes), is a no-op that says so.
///
/// ```swift
/// let report = try runtime.duoIngest().run(file: URL(fileURLWithPath: "duo-inburgering-20261123.dat"))
/// // report.outcome: .applied, .alreadyApplied or .rejected
/// ```
public struct DuoIngest: Sendable {
    public static let job = "duo-ingest"
    static let source = "duo"
    public static let contract = "duo-status-extract"

    let pipelineAdapter: InboundAdapter

    /// The extract date in a file name that follows the DUO adapter's `fileName` (`duo-inburgering-{yyyymmdd}.dat`).
    public func extractDate(fileName: String) -> CalendarDate? { pipelineAdapter.mapping.fileName?.date(in: fileName) }
    let mapping: DuoStatusMapping
    let store: any Store
    let clock: any WallClock
    /// The audit chain applied and rejected extracts are recorded in.
    public var audit: AuditChain?
    /// Told how far the extract is: `applying` (records).
    public var progress: any WorkProgress = NoProgress()
    let logger = Logger(label: "ketenpoort.duo-ingest")

    public init(workspace: Workspace, store: any Store, clock: any WallClock = SystemWallClock(), audit: AuditChain? = nil) throws {
        pipelineAdapter = try workspace.adapters.inbound(contract: Self.contract)
        mapping = try DuoStatusMapping(object: pipelineAdapter.mapping.item.object)
        self.store = store
        self.clock = clock
        self.audit = audit
    }

    /// Applies `file`; throws only when the file cannot be read or the store fails (then nothing is applied).
    ///
    /// The status store commits apart from the rest of the store (so the IND's answers never wait
    /// for the store's write lock): first the extract is applied to it, with its report; then its
    /// findings, run and audit entry are recorded in the store. An extract applied but not yet
    /// recorded (the gateway died in between) is recorded from its kept report before anything else.
    public func run(file: URL) throws -> DuoIngestReport {
        try recordLastApplied()
        let digest = try Self.sha256(of: file)
        let started = clock.now()
        let runID = RunID("\(Self.job)-\(digest.prefix(16))")
        do {
            let (report, mark) = try store.duoStatus.write { tx in try apply(file, digest: digest, tx: tx) }
            if let mark {
                FaultPoint.reached("duo.applied")
                try record(report, of: mark, runID: runID, started: started)
            }
            logger.info(
                "DUO extract \(report.outcome.rawValue)",
                metadata: [
                    "file": "\(file.lastPathComponent)", "sequence": "\(report.sequence ?? -1)", "items": "\(report.validation.items)",
                    "quarantined": "\(report.validation.quarantined)", "removed": "\(report.removed)",
                ])
            return report
        } catch let rejection as Rejection {
            // Nothing of the file is applied; its findings and the verdict are kept for the operator.
            var report = rejection.report
            report.persons = try store.duoStatus.read { try $0.duoStatusCount() }
            try store.write { tx in
                for finding in report.validation.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
                try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: try Self.json(report)))
                try audit?.append(.duoExtractRejected(report), in: tx)
            }
            logger.warning("DUO extract rejected", metadata: ["file": "\(file.lastPathComponent)", "reason": "\(report.reason ?? "")"])
            return report
        }
    }

    struct Rejection: Error {
        let report: DuoIngestReport
    }

    /// Records the extract applied last in the store (findings, run, audit entry), when that did not
    /// happen yet: the gateway died between applying it and recording it.
    public func recordLastApplied() throws {
        let applied = try store.duoStatus.read { tx -> (DuoExtractMark, String?)? in
            guard let mark = try tx.lastDuoExtract() else { return nil }
            return (mark, try tx.duoExtractReport(sequence: mark.sequence))
        }
        guard let (mark, json) = applied, let json, try !store.read({ try $0.isDuoExtractRecorded(sequence: mark.sequence) }) else { return }
        let report = try JSONDecoder().decode(DuoIngestReport.self, from: Data(json.utf8))
        logger.warning("DUO extract applied but not yet recorded: recording it now", metadata: ["sequence": "\(mark.sequence)"])
        try record(report, of: mark, runID: RunID("\(Self.job)-\(mark.sha256.prefix(16))"), started: mark.appliedAt)
    }

    /// Writes the findings, run and audit entry of the applied extract `mark`, once.
    private func record(_ report: DuoIngestReport, of mark: DuoExtractMark, runID: RunID, started: Date) throws {
        try store.write { tx in
            guard try !tx.isDuoExtractRecorded(sequence: mark.sequence) else { return }
            for finding in report.validation.findings { try tx.quarantine(Self.entry(finding, run: runID)) }
            try tx.recordRun(RunRecord(id: runID, job: Self.job, startedAt: started, finishedAt: clock.now(), report: try Self.json(report)))
            try audit?.append(.duoExtractApplied(report), in: tx)
            try tx.markDuoExtractRecorded(mark)
        }
    }

    /// Applies `file` in the status store's transaction `tx`; returns the report, and the mark of
    /// the extract when it was applied now.
    private func apply(_ file: URL, digest: String, tx: any DuoStatusWriting) throws -> (DuoIngestReport, DuoExtractMark?) {
        let last = try tx.lastDuoExtract()
        var report = DuoIngestReport(
            file: file.lastPathComponent, sha256: digest, outcome: .applied, validation: ValidationReport(contract: Self.contract))
        report.previousSequence = last?.sequence
        if let known = try tx.duoExtract(sha256: digest) {
            report.sequence = known.sequence
            report.creationDate = known.creationDate.iso
            report.validation.items = known.records
            report.persons = try tx.duoStatusCount()
            if known.sequence == last?.sequence {
                report.outcome = .alreadyApplied
                report.reason = "this file was applied already as sequence \(known.sequence); nothing changed"
                return (report, nil)
            }
            report.outcome = .rejected
            report.reason = "this file was applied before as sequence \(known.sequence); the store is at sequence \(last?.sequence ?? 0)"
            report.validation.findings = [
                Finding(position: .record(1), field: "volgnummer", rule: .sequence, message: report.reason!, level: .file)
            ]
            throw Rejection(report: report)
        }
        let pipeline = ValidationPipeline(adapter: pipelineAdapter, clock: clock, lastSequence: last?.sequence)
        var header: Record?
        try tx.beginDuoExtract()
        // Clean records are put a group at a time, in file order: a quarantined record's BSN is
        // kept only after every record before it is in.
        var clean: [DuoStatus] = []
        clean.reserveCapacity(Self.putGroup)
        var records = 0
        func putClean() throws {
            guard !clean.isEmpty else { return }
            let changes = try tx.putDuoStatuses(clean)
            report.inserted += changes.inserted
            report.changed += changes.changed
            report.unchanged += changes.unchanged
            clean.removeAll(keepingCapacity: true)
        }
        let validation = try pipeline.run(
            file,
            onFileRecord: { record in if record.object.role == .header { header = record } },
            onRawItem: { record, raw, isClean in
                records += 1
                if records % WorkProgressReport.every == 0 { progress.advanced("applying", items: records) }
                if isClean, let status = mapping.status(of: record) {
                    clean.append(status)
                    if clean.count == Self.putGroup { try putClean() }
                } else if let bsn = identifiedBSN(record, raw) {
                    try putClean()
                    if try tx.keepDuoStatus(bsn: bsn) { report.kept += 1 } else { report.notAdded += 1 }
                } else {
                    report.unidentified += 1
                }
                FaultPoint.reached("duo.record-applying")
            })
        try putClean()
        progress.finished("applying", items: records)
        report.validation = validation
        report.sequence = header?["volgnummer"].integer
        report.creationDate = header?["aanmaakdatum"].date?.iso
        guard !validation.isRejected, let sequence = report.sequence, let creationDate = header?["aanmaakdatum"].date else {
            report.outcome = .rejected
            report.reason = validation.findings.first { $0.level == .file }.map { "\($0.rule): \($0.message)" } ?? "the header cannot be read"
            report.inserted = 0
            report.changed = 0
            report.unchanged = 0
            report.kept = 0
            report.notAdded = 0
            report.unidentified = 0
            throw Rejection(report: report)
        }
        report.removed = try tx.removeDuoStatusNotInExtract()
        report.persons = try tx.duoStatusCount()
        let mark = DuoExtractMark(
            sequence: sequence, creationDate: creationDate, fileName: file.lastPathComponent, sha256: digest, records: validation.items,
            appliedAt: clock.now())
        try tx.recordDuoExtract(mark, report: try Self.json(report))
        return (report, mark)
    }

    /// Clean records put in one call.
    static let putGroup = 2_000

    /// The BSN of a quarantined record: the validated value, or what positions 2–10 hold when it
    /// passes the 11-test (a record quarantined for another field, or malformed as a whole).
    private func identifiedBSN(_ record: Record, _ raw: RawItem) -> String? {
        if let bsn = record.values[mapping.bsn].text { return bsn }
        guard let text = raw.texts[mapping.bsn], BSN.isValid(text.utf8) else { return nil }
        return text
    }

    /// The SHA-256 of a file's bytes, read in chunks.
    static func sha256(of file: URL) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: file.path) else {
            throw KetenpoortError(.inputUnreadable, "\(file.lastPathComponent): cannot be read")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { break }
            hasher.update(data: chunk)
        }
        return Hex.encode(hasher.finalize())
    }

    static func entry(_ finding: Finding, run: RunID) -> QuarantineEntry {
        QuarantineEntry(
            run: run, source: source, position: finding.position.description, field: finding.field, rule: finding.rule.rawValue,
            message: finding.message)
    }

    static func json(_ report: DuoIngestReport) throws -> String {
        String(decoding: try JSONEncoder().encode(report), as: UTF8.self)
    }
}
