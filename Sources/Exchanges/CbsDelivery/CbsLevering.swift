import Adapters
import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Sealing
import Store

/// The CBS statistics delivery (formats.md §5, issue 5): for a period, the status store as of the
/// last applied DUO extract becomes a pseudonymised CSV and its manifest, checked line by line
/// against the `cbs-levering` contract, sealed as two batches for the party with role CBS and put
/// in the outbox — with the delivery's register entry and audit entries, in one transaction. The
/// `DeliveryWorker` pushes them (§8: mutual TLS, retried, resendable).
///
/// - The CSV batch `cbs-wi-<source>-<period>` (text/csv) and the manifest batch
///   `cbs-wi-<source>-<period>.manifest` (application/json): the recipient stores them under the
///   file names of §5. A correction is `…-correctie-<n>` and its manifest says `"correctie":true`.
/// - Persons are identified only by HMAC-SHA-256 of the BSN under the CBS delivery key; lines are in
///   pseudonym order, so the order of the file reveals nothing of the BSNs.
/// - A period is delivered once; again only as a correction.
public struct CbsLevering: Sendable {
    public static let job = "cbs-levering"
    package static let contract = "cbs-levering"

    let outbound: OutboundAdapter
    let detail: DuoStatusMapping
    let manifestObject: SchemaObject
    let store: any Store
    let recipient: RegisteredParty
    let sealer: BatchSealer
    let clock: any WallClock
    let outputDirectory: URL?
    /// The audit chain the sealed batches and the delivery are recorded in.
    public let audit: AuditChain
    /// Where its batches are sealed into.
    var outbox: Outbox { Outbox(sealer: sealer, audit: audit) }
    /// Told how far the delivery is: `rendering` (persons).
    public var progress: any WorkProgress = NoProgress()
    let logger = Logger(label: "ketenpoort.cbs")

    public init(
        workspace: Workspace, store: any Store, registry: PartyRegistry, sealer: BatchSealer, deliveryKey: Data,
        clock: any WallClock = SystemWallClock(),
        outputDirectory: URL? = nil, audit: AuditChain
    ) throws {
        outbound = try workspace.adapters.outbound(partner: .cbs, secrets: TransformSecrets(["cbs-delivery-key": deliveryKey]))
        guard outbound.mapping.contract.id == Self.contract, let manifest = outbound.mapping.contract.object(named: "manifest") else {
            throw KetenpoortError(.configurationInvalid, "the CBS adapter must write contract \(Self.contract) with a manifest object")
        }
        guard let recipient = registry.parties.first(where: { $0.party.role == .cbs && $0.endpoint != nil }) else {
            throw KetenpoortError(.configurationInvalid, "no party with role cbs and an endpoint is registered")
        }
        detail = try DuoStatusMapping(object: try workspace.adapters.inbound(contract: DuoIngest.contract).mapping.item.object)
        manifestObject = manifest
        self.store = store
        self.recipient = recipient
        self.sealer = sealer
        self.clock = clock
        self.outputDirectory = outputDirectory
        self.audit = audit
    }

    /// Seals the delivery of `period` from `source` into the outbox; throws `cbs.refused` when the
    /// period was delivered already (unless `correction`), is not over in the store yet, or nothing
    /// was ingested, and `cbs.contract-violation` when a line would break the contract (nothing sealed).
    public func deliver(source: String = "duo", period: CbsPeriod, correction: Bool = false) throws -> CbsDeliveryReport {
        guard source == "duo" else { throw KetenpoortError(.cbsRefused, "unknown source '\(source)' (known: duo)") }
        let now = clock.now()
        // One extract, whole: the status store's snapshot is held while the delivery is sealed.
        let report = try store.duoStatus.read { status in
            try store.write { tx -> CbsDeliveryReport in
                guard let extract = try status.lastDuoExtract() else {
                    throw KetenpoortError(.cbsRefused, "no DUO extract has been applied yet: nothing to deliver")
                }
                guard extract.creationDate >= period.lastDay else {
                    throw KetenpoortError(
                        .cbsRefused, "period \(period) ends \(period.lastDay.iso); the last applied DUO extract is of \(extract.creationDate.iso)")
                }
                let earlier = try tx.cbsDeliveries(source: source, period: period.description)
                if !earlier.isEmpty && !correction {
                    throw KetenpoortError(
                        .cbsRefused,
                        "period \(period) was delivered already (\(earlier[0].csvBatch)); an operator may deliver a correction (--correction)")
                }
                if earlier.isEmpty && correction {
                    throw KetenpoortError(.cbsRefused, "period \(period) was never delivered: there is nothing to correct")
                }
                FaultPoint.reached("cbs.sealing")
                let base = "cbs-wi-\(source)-\(period)" + (earlier.isEmpty ? "" : "-correctie-\(earlier.count)")
                let csv = try sealCSV(status, into: tx, id: BatchID(base), now: now)
                let manifest = CbsManifest(
                    bron: source.uppercased(), periode: period.description, aantal: csv.records, sha256: csv.sha256,
                    aangemaakt: CoaToGemeenteTranslation.timestamp(now), replaces: earlier.last?.csvBatch.value)
                try check(manifest, now: now)
                let manifestBytes = manifest.bytes
                let manifestBatch = try seal(manifestBytes, id: BatchID(base + ".manifest"), contentType: "application/json", now: now, tx: tx)
                let record = CbsDeliveryRecord(
                    source: source, period: period.description, correction: earlier.count, csvBatch: csv.batch, manifestBatch: manifestBatch,
                    extractSequence: extract.sequence, extractDate: extract.creationDate, records: csv.records, sha256: csv.sha256, createdAt: now)
                try tx.recordCbsDelivery(record)
                try audit.append(.cbsDeliverySealed(record), in: tx)
                FaultPoint.reached("cbs.sealed")
                return CbsDeliveryReport(
                    source: source, period: period.description, correction: earlier.count, csvBatch: csv.batch, manifestBatch: manifestBatch,
                    extractSequence: extract.sequence, extractDate: extract.creationDate.iso, records: csv.records, sha256: csv.sha256,
                    manifest: String(decoding: manifestBytes, as: UTF8.self))
            }
        }
        var written = report
        // The pair of files of §5, as sealed; written once the outbox holds them.
        written.files = try writeFiles(csvBatch: report.csvBatch, manifestBatch: report.manifestBatch, onlyMissing: false)
        logger.info(
            "CBS delivery sealed", metadata: ["batch": "\(report.csvBatch)", "records": "\(report.records)", "extract": "\(report.extractSequence)"])
        return written
    }

    /// Writes the pair of files of a delivery into `outputDirectory` (when configured) from the
    /// outbox, part by part; with `onlyMissing`, only those not there. Returns the paths written.
    private func writeFiles(csvBatch: BatchID, manifestBatch: BatchID, onlyMissing: Bool) throws -> [String] {
        guard let outputDirectory else { return [] }
        try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
        var written: [String] = []
        for (name, batch) in [("\(csvBatch).csv", csvBatch), ("\(csvBatch).manifest.json", manifestBatch)] {
            let file = outputDirectory.appendingPathComponent(name)
            if onlyMissing && FileManager.default.fileExists(atPath: file.path) { continue }
            try PayloadFile.write(batch: batch, from: store, to: file)
            written.append(file.path)
        }
        return written
    }

    /// Writes again the local pair of files of every delivery of `period` that lacks them (a crash
    /// between sealing and writing them, or a deleted copy), from the outbox while it keeps the
    /// payloads. Returns the paths written; nothing when no output directory is configured.
    public func restoreFiles(source: String = "duo", period: CbsPeriod) throws -> [String] {
        let deliveries = try store.read { try $0.cbsDeliveries(source: source, period: period.description) }
        return try deliveries.flatMap { try writeFiles(csvBatch: $0.csvBatch, manifestBatch: $0.manifestBatch, onlyMissing: true) }
    }

    /// Seals `payload`, one record, as batch `id` for CBS and puts it in the outbox.
    private func seal(_ payload: Data, id: BatchID, contentType: String, now: Date, tx: any StoreTransaction) throws -> BatchID {
        let contract = outbound.mapping.contract
        let draft = Outbox.Draft(
            id: id, recipient: recipient.party, contract: contract.id, contractVersion: contract.version, contentType: contentType, createdAt: now)
        try outbox.add(draft, payload: payload, recordHashes: [Data(SHA256.hash(data: payload))], in: tx)
        return id
    }

    /// The manifest must pass the contract's manifest object too.
    private func check(_ manifest: CbsManifest, now: Date) throws {
        let fields = manifest.fields
        let raw = RawItem(position: .line(1), texts: manifestObject.fields.map { fields[$0.name] })
        var findings: [Finding] = []
        _ = ItemValidator(object: manifestObject, now: now, level: .item).validate(raw, findings: &findings)
        if let finding = findings.first {
            throw KetenpoortError(.cbsContractViolation, "the manifest breaks contract \(Self.contract): \(finding.rule) [\(finding.field ?? "")]")
        }
    }
}

extension KetenpoortError.Code {
    /// The delivery was not made: already delivered, period not over, nothing ingested.
    public static let cbsRefused: Self = "cbs.refused"
    /// A line or the manifest would break the `cbs-levering` contract: nothing was sealed.
    public static let cbsContractViolation: Self = "cbs.contract-violation"
}

extension CbsLevering {
    /// The scheduled form: delivers the last quarter completed on `due`'s day, unless it was
    /// delivered already or the store has no extract from after its end yet (then nothing; the
    /// next run tries again). Returns the report when a delivery was sealed.
    public func deliverCompletedPeriod(on due: Date) throws -> CbsDeliveryReport? {
        let period = CbsPeriod.lastCompleted(on: CalendarDate(instant: due))
        do {
            return try deliver(period: period)
        } catch let error as KetenpoortError where error.code == .cbsRefused {
            logger.notice("CBS delivery not made", metadata: ["period": "\(period)", "reason": "\(error.reason)"])
            return nil
        }
    }
}
