import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Store

/// Applies the consent register feed (formats.md §7), validated against contract `toestemming`:
/// each clean line becomes the next version of its `toestemmingId` (received now); a line that
/// repeats a version already known (a replayed file) adds nothing. Then the held advices are re-evaluated in the same
/// transaction, so an advice whose consent just arrived is released at once, one whose consent
/// was withdrawn stays held, and one sealed but not yet delivered whose consent was withdrawn is
/// recalled. Callable from the CLI and the HTTPS inbox.
///
/// ```swift
/// let report = try runtime.consentIngest().run(file: url)
/// ```
public struct ConsentIngest: Sendable {
    public static let flow = "toestemming"

    let pipeline: ValidationPipeline
    let store: any Store
    let clock: any WallClock
    /// Re-evaluates held advices after the consents changed (nil: nothing is held anywhere).
    let advice: AdviceFlow?
    let logger = Logger(label: "ketenpoort.consent")

    public init(workspace: Workspace, store: any Store, advice: AdviceFlow?, clock: any WallClock = SystemWallClock()) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: Self.flow), clock: clock)
        self.store = store
        self.advice = advice
        self.clock = clock
    }

    /// Applies `file`; every line ends as applied, unchanged or quarantined.
    public func run(file url: URL) throws -> ConsentIngestReport {
        let received = clock.now()
        let runID = RunID(job: Self.flow, file: url, at: received)
        do {
            return try store.write { tx in try run(url, runID: runID, received: received, tx: tx) }
        } catch let rejected as Rejected {
            return rejected.report
        }
    }

    private func run(_ url: URL, runID: RunID, received: Date, tx: any StoreTransaction) throws -> ConsentIngestReport {
        var report = ConsentIngestReport(run: runID, validation: ValidationReport(contract: Self.flow))
        var registerFindings: [Finding] = []
        report.validation = try pipeline.run(url) { record, position, isClean in
            guard isClean else { return }
            switch try apply(record, position: position, receivedAt: received, tx: tx) {
            case .applied: report.applied += 1
            case .unchanged: report.unchanged += 1
            case .refused(let finding): registerFindings.append(finding)
            }
        }
        if report.validation.isRejected { throw Rejected(report: report) }
        report.validation.accepted -= registerFindings.count
        report.validation.quarantined += registerFindings.count
        report.validation.findings = (report.validation.findings + registerFindings).sorted { $0.position.number < $1.position.number }
        for finding in report.validation.findings {
            try tx.quarantine(
                QuarantineEntry(
                    run: runID, source: "consent", position: finding.position.description, field: finding.field, rule: finding.rule.rawValue,
                    message: finding.message))
        }
        if let advice {
            report.release = try advice.release(in: tx)
            report.release?.recalled = try advice.recall(in: tx)
        }
        try tx.recordRun(RunRecord(id: runID, job: Self.flow, startedAt: received, finishedAt: clock.now(), report: try AdviceFlow.json(report)))
        logger.info(
            "consent feed applied",
            metadata: [
                "run": "\(runID)", "applied": "\(report.applied)", "unchanged": "\(report.unchanged)",
                "quarantined": "\(report.validation.quarantined)", "released": "\(report.release?.released.count ?? 0)",
            ])
        return report
    }

    /// A rejected file changes nothing: the transaction is rolled back and the report returned.
    struct Rejected: Error {
        let report: ConsentIngestReport
    }

    enum Outcome {
        case applied, unchanged
        case refused(Finding)
    }

    /// The register's own rules, beyond the contract: the recipient is `DUO` or a municipality code,
    /// and a later version keeps the subject of the first.
    private func apply(_ record: Record, position: Position, receivedAt: Date, tx: any StoreTransaction) throws -> Outcome {
        guard let id = record["toestemmingId"].text, let bsn = record["bsn"].text, let purpose = record["doel"].text,
            let recipientText = record["ontvanger"].text, let givenAt = record["gegevenOp"].timestamp
        else { return .unchanged }
        let recipient = recipientText.uppercased()
        guard recipient == "DUO" || GemeenteCode(recipient) != nil else {
            return .refused(
                Finding(position: position, field: "ontvanger", rule: .consentRecipient, message: "ontvanger is neither DUO nor a municipality code"))
        }
        let versions = try tx.consentVersions(id: id)
        if let first = versions.first, first.bsn != bsn {
            return .refused(
                Finding(
                    position: position, field: "bsn", rule: .consentSubjectChanged,
                    message: "toestemmingId names another subject than its first version"))
        }
        let version = ConsentVersion(
            id: id, version: (versions.last?.version ?? 0) + 1, bsn: bsn, purpose: purpose, recipient: recipient, givenAt: givenAt.instant,
            validUntil: record["geldigTot"].timestamp?.instant, withdrawnAt: record["ingetrokkenOp"].timestamp?.instant,
            channel: record["kanaal"].text, receivedAt: receivedAt)
        // A line saying exactly what a known version said is a replay (the same file again, or an old
        // one): it must not revive terms a later version replaced, such as a consent since withdrawn.
        if versions.contains(where: { $0.hasSameTerms(as: version) }) { return .unchanged }
        try tx.appendConsentVersion(version)
        return .applied
    }
}

/// What one consent feed did; `validation.items == applied + unchanged + validation.quarantined`
/// (or all rejected).
public struct ConsentIngestReport: Codable, Sendable {
    public var run: RunID
    public var validation: ValidationReport
    /// Lines that became a new version of their consent.
    public var applied = 0
    /// Lines repeating a version already known (nothing added).
    public var unchanged = 0
    /// The re-evaluation of the held advices that followed.
    public var release: AdviceRelease?

    public init(run: RunID, validation: ValidationReport) {
        self.run = run
        self.validation = validation
    }

    public var isBalanced: Bool {
        validation.isRejected || validation.items == applied + unchanged + validation.quarantined
    }
}

extension RuleCode {
    /// The consent's recipient is neither `DUO` nor a municipality code.
    public static let consentRecipient: RuleCode = "consent.recipient"
    /// A later line for a `toestemmingId` names another subject than its first version.
    public static let consentSubjectChanged: RuleCode = "consent.subject-changed"
}
