import Adapters
import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Sealing
import Store

/// Argonaut's medical advice → DUO (formats.md §6). Advices are validated and held in the store;
/// an advice goes only while the newcomer's consent for purpose `medisch-advies` and recipient DUO
/// is valid: then it is sealed into the outbox for the one party whose role the contract allows
/// (DUO), in the same transaction as the decision that allowed it. Held advices are re-evaluated
/// whenever consent arrives (`release(in:)`), and stay held while it is missing or withdrawn.
///
/// ```swift
/// let report = try runtime.adviceFlow().ingest(file: url)   // report.release.held: ids only
/// ```
public struct AdviceFlow: Sendable {
    public static let flow = "argonaut-advies"

    let pipeline: ValidationPipeline
    let outbound: OutboundAdapter
    let store: any Store
    let registry: PartyRegistry
    let sealer: BatchSealer
    let clock: any WallClock
    let decisions: ConsentDecisionLog
    let audit: AuditChain
    let logger = Logger(label: "ketenpoort.advice")

    public init(
        workspace: Workspace, store: any Store, registry: PartyRegistry, sealer: BatchSealer, pseudonym: SubjectPseudonym, audit: AuditChain,
        clock: any WallClock = SystemWallClock()
    ) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: Self.flow), clock: clock)
        outbound = try OutboundAdapter(mapping: try workspace.adapters.mapping("duo-medisch-advies"))
        self.store = store
        self.registry = registry
        self.sealer = sealer
        self.clock = clock
        self.decisions = ConsentDecisionLog(pseudonym: pseudonym, flow: Self.flow)
        self.audit = audit
    }

    var object: SchemaObject { pipeline.adapter.mapping.item.object }

    /// Validates `url`, holds its clean advices, then releases every held advice whose consent is
    /// valid now — one transaction. Invalid lines are quarantined with their line and rule code.
    public func ingest(file url: URL) throws -> AdviceIngestReport {
        let started = clock.now()
        let runID = RunID(job: Self.flow, file: url, at: started)
        do {
            return try take(url, runID: runID, started: started)
        } catch let rejected as Rejected {
            return rejected.report
        }
    }

    /// A rejected file: its transaction is rolled back (nothing of it is held) and the report returned.
    private struct Rejected: Error {
        let report: AdviceIngestReport
    }

    private func take(_ url: URL, runID: RunID, started: Date) throws -> AdviceIngestReport {
        try store.write { tx in
            var report = AdviceIngestReport(run: runID, validation: ValidationReport(contract: Self.flow))
            let slots = (id: object.slot(of: "adviesId")!, bsn: object.slot(of: "bsn")!)
            report.validation = try pipeline.run(url) { record, isClean in
                guard isClean, let id = record.values[slots.id].text, let bsn = record.values[slots.bsn].text else { return }
                let advice = HeldAdvice(id: id, bsn: bsn, content: try Self.content(of: record), receivedAt: started)
                switch try tx.advice(id: id)?.status {
                case nil: try tx.holdAdvice(advice)
                // Recalled when its consent ended: sent again, it is held again.
                case .recalled?: try tx.holdAgain(advice)
                case .held?, .sealed?:
                    report.alreadyKnown.append(id)
                    return
                }
                report.received.append(id)
            }
            if report.validation.isRejected {
                // Nothing of a rejected file is taken in: what its lines held is rolled back.
                report.received = []
                report.alreadyKnown = []
                throw Rejected(report: report)
            }
            for finding in report.validation.findings {
                try tx.quarantine(
                    QuarantineEntry(
                        run: runID, source: "argonaut", position: finding.position.description, field: finding.field, rule: finding.rule.rawValue,
                        message: finding.message))
            }
            report.release = try release(in: tx)
            try tx.recordRun(RunRecord(id: runID, job: Self.flow, startedAt: started, finishedAt: clock.now(), report: try Self.json(report)))
            logger.info(
                "advices ingested",
                metadata: [
                    "run": "\(runID)", "received": "\(report.received.count)", "released": "\(report.release.released.count)",
                    "held": "\(report.release.held.count)",
                ])
            return report
        }
    }

    /// Re-evaluates every held advice now: one with a valid consent is sealed for DUO (the decision
    /// logged first), the rest stay held. Call it in the transaction that changed the consents.
    public func release(in tx: any StoreTransaction) throws -> AdviceRelease {
        var outcome = AdviceRelease()
        let held = try tx.advices(status: .held)
        guard !held.isEmpty else { return outcome }
        let recipient: RegisteredParty
        do {
            recipient = try AdviceRecipient.resolve(contract: outbound.mapping.contract, outbound: outbound, registry: registry)
        } catch let error as KetenpoortError {
            outcome.held = held.map(\.id)
            outcome.notReleasable = error.reason
            logger.error("held advices cannot be released", metadata: ["held": "\(held.count)", "reason": "\(error.reason)"])
            return outcome
        }
        let now = clock.now()
        let policy = try ConsentPolicy(outbound: outbound, input: object, moment: now, in: tx)
        let consentRecipient = AdviceRecipient.consentName(of: recipient)
        for advice in held {
            let record = try Self.record(advice.content, object: object)
            let decision = policy.decide(record, bsn: advice.bsn, recipient: consentRecipient)
            if let decision {
                try decisions.record(
                    decision, bsn: advice.bsn, person: PersonKey(value: "b:" + advice.bsn), recipient: consentRecipient, at: now,
                    reference: advice.id,
                    in: tx)
            }
            guard decision?.isAllowed ?? true else {
                outcome.held.append(advice.id)
                continue
            }
            let batch = try seal(advice, record: record, consented: decision?.consented ?? [], recipient: recipient, at: now, in: tx)
            outcome.released.append(advice.id)
            outcome.batches.append(batch)
        }
        return outcome
    }

    /// Takes back every advice sealed for DUO but not delivered yet whose consent is no longer valid
    /// now (withdrawn, or ended): its batch is recalled — never sent, the health data in it deleted
    /// — the denying decision logged, and the advice marked recalled. Call it in the transaction
    /// that changed the consents. A batch already on its way when this commits still goes.
    public func recall(in tx: any StoreTransaction) throws -> [String] {
        let sealed = try tx.advices(status: .sealed)
        guard !sealed.isEmpty else { return [] }
        let now = clock.now()
        let policy = try ConsentPolicy(outbound: outbound, input: object, moment: now, in: tx)
        var recalled: [String] = []
        for advice in sealed {
            guard let id = advice.batch, let batch = try tx.batch(id: id), batch.status == .pending || batch.status == .deadLettered,
                let party = registry.party(id: batch.recipient)
            else { continue }
            let recipient = AdviceRecipient.consentName(of: party)
            // The advice's text is kept only in its batch: every purpose the contract guards counts.
            let outcome = ConsentPolicy.Outcome(
                consents: policy.purposes.sorted().map { purpose in
                    (purpose, policy.validConsent(bsn: advice.bsn, purpose: purpose, recipient: recipient, at: now))
                })
            guard !outcome.isAllowed, try tx.recallBatch(id: id) else { continue }
            try decisions.record(
                outcome, bsn: advice.bsn, person: PersonKey(value: "b:" + advice.bsn), recipient: recipient, at: now, reference: advice.id, in: tx)
            try tx.markAdviceRecalled(id: advice.id)
            try audit.append(
                .batchRecalled(batch: id, reason: "consent for \(policy.purposes.sorted().joined(separator: ", ")) no longer valid"), in: tx)
            recalled.append(advice.id)
        }
        if !recalled.isEmpty {
            logger.notice("sealed advices recalled: their consent ended before delivery", metadata: ["recalled": "\(recalled.count)"])
        }
        return recalled
    }

    /// Seals one advice as its own batch (`argonaut-advies-<adviesId>`) into the outbox; an advice
    /// sent again after a recall gets `-<n>` added (a batch id is never reused).
    private func seal(
        _ advice: HeldAdvice, record: Record, consented: Set<String>, recipient: RegisteredParty, at now: Date, in tx: any StoreTransaction
    ) throws -> BatchID {
        var batchID = BatchID("\(Self.flow)-\(advice.id)")
        var again = 1
        while try tx.batch(id: batchID) != nil {
            again += 1
            batchID = BatchID("\(Self.flow)-\(advice.id)-\(again)")
        }
        let context = ["batch": batchID.value, "aantal": "1"]
        var line: [UInt8] = []
        try outbound.encode(record, context: [:], consented: consented, into: &line)
        var payload: [UInt8] = []
        outbound.begin(context: context, into: &payload)
        payload += line
        outbound.end(context: context, into: &payload)
        let contract = outbound.mapping.contract
        let draft = Outbox.Draft(
            id: batchID, recipient: recipient.party, contract: contract.id, contractVersion: contract.version,
            contentType: outbound.encoder.contentType, createdAt: now)
        try Outbox(sealer: sealer, audit: audit).add(draft, payload: payload, recordHashes: [Data(SHA256.hash(data: line))], in: tx)
        try tx.markAdviceSealed(id: advice.id, batch: batchID)
        return batchID
    }

    /// The advice's canonical field texts as a JSON object (dates ISO).
    static func content(of record: Record) throws -> Data {
        var texts: [String: String] = [:]
        for (index, field) in record.object.fields.enumerated() {
            switch record.values[index] {
            case .absent: continue
            case .text(let text): texts[field.name] = text
            case .date(let date): texts[field.name] = date.iso
            case .integer(let value): texts[field.name] = String(value)
            case .boolean(let value): texts[field.name] = value ? "true" : "false"
            case .timestamp(let value): texts[field.name] = value.text
            case .incompleteDate(let date): texts[field.name] = DateLayout.iso.format(date)
            }
        }
        return try JSONSerialization.data(withJSONObject: texts, options: [.sortedKeys])
    }

    /// A record of `object` from stored field texts.
    static func record(_ content: Data, object: SchemaObject) throws -> Record {
        guard let texts = try JSONSerialization.jsonObject(with: content) as? [String: String] else {
            throw KetenpoortError(.adviceCorrupt, "a held advice's stored content is not readable")
        }
        var record = Record(object: object)
        for (name, text) in texts where object.slot(of: name) != nil { record[name] = .text(text) }
        return record
    }

    static func json(_ value: some Encodable) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }
}

extension KetenpoortError.Code {
    public static let adviceCorrupt: Self = "advice.corrupt"
    public static let adviceNoRecipient: Self = "advice.no-recipient"
}
