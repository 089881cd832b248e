import Contracts
import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Sealing
import Store

extension CoaGemeenteSync {
    /// The configured audit chain, or one signed by the sealer.
    var auditChain: AuditChain { audit ?? AuditChain(signer: sealer.signer, clock: clock) }

    /// Step 3: seals the staged notifications, per municipality one batch of at most
    /// `maxBatchRecords`, each in a transaction of its own; persons who left housed are forgotten in
    /// transactions of the same size. Every batch of the run is sealed as of `moment`. Batches an
    /// earlier, interrupted attempt of the run applied are counted, and numbered past.
    func apply(_ staging: SyncStaging, run: RunID, at moment: Date, consent: ConsentPolicy, report: inout SyncReport) throws {
        let earlier = try store.read { tx in try tx.syncBatches(run: run) }
        report.batches = earlier.filter { !$0.blocked }.map(\.batch)
        report.blocked = earlier.filter(\.blocked).map(\.batch)
        var parts: [String: Int] = [:]
        for (batch, _) in earlier {
            // `<run>-<gemeente>-<part>`
            let rest = batch.value.dropFirst(run.value.count + 1)
            guard let dash = rest.lastIndex(of: "-"), let part = Int(rest[rest.index(after: dash)...]) else { continue }
            let gemeente = String(rest[..<dash])
            parts[gemeente] = max(parts[gemeente] ?? 0, part)
        }
        let context = SealContext(
            run: run, moment: moment, consent: consent, guard: ConsentGuard(outbound: outbound, policy: consent),
            decisions: ConsentDecisionLog(pseudonym: SubjectPseudonym(key: pseudonymKey), flow: Self.job),
            timestamp: CoaToGemeenteTranslation.timestamp(moment))
        var current: [SyncStaging.Notification] = []
        var forgotten: [SyncStaging.Notification] = []
        var sealed = report
        // Sealed batches wait here until they hold `maxBatchRecords` records or `commitGroupBytes`
        // of payload between them, then commit together — a transaction stays short, and a night
        // of many small municipalities does not pay one fsync per batch — on the committer's
        // thread, while the next are sealed. Two groups can be in memory at once (one committing,
        // one waiting), so the payload bound keeps a night of large batches within its memory.
        // The first group is small and each next one twice as large (`firstGroupRecords`).
        let committer = BackgroundCommitter()
        var groupRecords = max(1, min(maxBatchRecords, firstGroupRecords))
        defer { committer.waitUntilIdle() }
        var steps: [SealStep] = []
        var stepRecords = 0
        var stepBytes = 0
        // Bytes a notification took in the batches sealed so far (a margin above their largest
        // average), so a payload is reserved once at its size: grown past its reservation it would
        // be copied into a buffer twice as large.
        var bytesPerNotification = 512
        var tSeal = 0.0
        defer { logger.info("sync apply", metadata: ["run": "\(run)", "seal.s": "\(tSeal)", "commit.s": "\(committer.busySeconds)"]) }
        func commitSteps() throws {
            guard !steps.isEmpty else { return }
            let (group, store) = (steps, self.store)
            try committer.submit {
                try store.write { tx in
                    for step in group { try step.write(tx) }
                    FaultPoint.reached("sync.batch-committing")
                }
                for _ in group { FaultPoint.reached("sync.batch-committed") }
            }
            for step in group {
                if step.isBlocked { sealed.blocked.append(step.batch) } else { sealed.batches.append(step.batch) }
            }
            steps.removeAll(keepingCapacity: true)
            stepRecords = 0
            stepBytes = 0
            groupRecords = min(maxBatchRecords, groupRecords * 2)
        }
        func flush() throws {
            guard let gemeente = current.first?.gemeente else { return }
            let part = (parts[gemeente] ?? 0) + 1
            parts[gemeente] = part
            let s0 = Date()
            let prepared = try sealBatch(current, gemeente: gemeente, part: part, context: context, reserving: bytesPerNotification)
            tSeal += Date().timeIntervalSince(s0)
            if let step = prepared {
                bytesPerNotification = max(bytesPerNotification, step.payloadBytes / current.count * 9 / 8)
                steps.append(step)
                stepRecords += current.count
                stepBytes += step.payloadBytes
                if stepRecords >= groupRecords || stepBytes >= commitGroupBytes { try commitSteps() }
            }
            current.removeAll(keepingCapacity: true)
        }
        func forget() throws {
            guard !forgotten.isEmpty else { return }
            let (gone, store) = (forgotten.map { ($0.gemeente, PersonKey(value: $0.person)) }, self.store)
            try committer.submit {
                try store.write { tx in
                    for (gemeente, person) in gone { try tx.removeSent(gemeente: gemeente, person: person) }
                }
            }
            forgotten.removeAll(keepingCapacity: true)
        }
        var notifications = 0
        try staging.forEachNotification { notification in
            if notification.kind == .vergeten {
                forgotten.append(notification)
                if forgotten.count >= maxBatchRecords { try forget() }
                return
            }
            if let first = current.first, first.gemeente != notification.gemeente { try flush() }
            current.append(notification)
            notifications += 1
            if notifications % WorkProgressReport.every == 0 { progress.advanced("sealing", items: notifications) }
            if current.count >= maxBatchRecords { try flush() }
        }
        try flush()
        try commitSteps()
        try forget()
        try committer.finish()
        progress.finished("sealing", items: notifications)
        report = sealed
    }

    /// One sealed (or blocked) batch, ready to be committed with others: what it writes.
    struct SealStep {
        let batch: BatchID
        let isBlocked: Bool
        /// The payload it holds until it is committed (none when blocked).
        var payloadBytes = 0
        let write: (any StoreTransaction) throws -> Void
    }

    /// What every batch of one run is sealed with.
    struct SealContext {
        let run: RunID
        let moment: Date
        let consent: ConsentPolicy
        let `guard`: ConsentGuard
        let decisions: ConsentDecisionLog
        /// `moment` as the documents state it (`aangemaakt`), formatted once for the run.
        let timestamp: String
    }

    /// Encodes, guards and seals one batch; what it commits: the consent decisions its content rests
    /// on, the batch and its audit entry (or the incident that blocked it), the sent state of its
    /// notifications, and its place in the run.
    private func sealBatch(
        _ notifications: [SyncStaging.Notification], gemeente: String, part: Int, context: SealContext, reserving bytesPerNotification: Int
    ) throws -> SealStep? {
        guard let recipient = registry.gemeente(gemeente), let code = recipient.party.gemeente else { return nil }
        let batchID = BatchID("\(context.run)-\(gemeente)-\(part)")
        let object = pipeline.adapter.mapping.item.object
        // The records are encoded straight into the payload, between its opening and closing.
        let header = ["gemeente": gemeente, "batch": batchID.value, "aangemaakt": context.timestamp, "aantal": String(notifications.count)]
        var payload: [UInt8] = []
        payload.reserveCapacity(notifications.count * bytesPerNotification)
        outbound.begin(context: header, into: &payload)
        var items: [SealItem] = []
        items.reserveCapacity(notifications.count)
        var decided: [(outcome: ConsentPolicy.Outcome, bsn: String?, person: PersonKey)] = []
        // Per item, its record hash when already known: a `nieuw` is encoded exactly as staging
        // encoded it for its content hash (same record, context, consent policy and recipient).
        var knownHashes: [Data?] = []
        knownHashes.reserveCapacity(notifications.count)
        for notification in notifications {
            let person = PersonKey(value: notification.person)
            let start = payload.count
            if let values = notification.record, let hash = notification.contentHash {
                let record = try Record(object: object, encoded: values)
                let health = context.consent.decide(record, bsn: notification.bsn, recipient: gemeente)
                if let health { decided.append((health, notification.bsn, person)) }
                try outbound.encode(record, context: notification.kind.context, consented: health?.consented ?? [], into: &payload)
                let state = SentState(
                    gemeente: gemeente, person: person, bsn: notification.bsn, vnummer: notification.vnummer, contentHash: hash,
                    isHoused: notification.isHoused, lastRun: context.run)
                items.append(
                    SealItem(fragment: start..<payload.count, person: person, addressee: notification.addressee, state: state, bsn: notification.bsn))
                knownHashes.append(notification.kind == .nieuw ? Hex.decode(hash) : nil)
            } else {
                // A withdrawal carries the identifiers only.
                var record = Record(object: object)
                if let bsn = notification.bsn { record["bsn"] = .text(bsn) }
                if let vnummer = notification.vnummer { record["vnummer"] = .text(vnummer) }
                try outbound.encode(record, context: NotificationKind.intrekking.context, consented: [], into: &payload)
                items.append(SealItem(fragment: start..<payload.count, person: person, addressee: gemeente, state: nil, bsn: notification.bsn))
                knownHashes.append(nil)
            }
        }
        outbound.end(context: header, into: &payload)
        let audit = auditChain
        let run = context.run, moment = context.moment
        // The batch's consent decisions, appended together when it commits.
        let entries = decided.flatMap { decision in
            context.decisions.entries(
                decision.outcome, bsn: decision.bsn, person: decision.person, recipient: gemeente, at: context.moment, reference: run.value)
        }
        func step(blocked: Bool, payloadBytes: Int = 0, _ body: @escaping (any StoreTransaction) throws -> Void) -> SealStep {
            SealStep(batch: batchID, isBlocked: blocked, payloadBytes: payloadBytes) { tx in
                try tx.appendDecisions(entries)
                try body(tx)
                try tx.recordSyncBatch(run: run, batch: batchID, blocked: blocked)
            }
        }
        // The guard looks at where each record is addressed, not at how the items were grouped.
        let misrouted = RoutingGuard().misrouted(items.map { RoutingGuard.Item(addressee: $0.addressee, person: $0.person) }, recipient: code)
        if !misrouted.isEmpty {
            let incident = RoutingGuard().incident(batch: batchID, recipient: recipient, misrouted: misrouted, at: moment, pseudonym: pseudonym)
            logger.critical("batch blocked by the routing guard", metadata: ["batch": "\(batchID)", "misrouted": "\(misrouted.count)"])
            return step(blocked: true) { tx in try IncidentRegister(audit: audit).open(incident, in: tx) }
        }
        let unconsented = context.guard.unconsented(items, in: payload, recipient: code.value, at: context.moment)
        if let purpose = unconsented.first?.purpose {
            logger.critical("batch blocked by the consent guard", metadata: ["batch": "\(batchID)", "unconsented": "\(unconsented.count)"])
            let (party, subjects, key) = (recipient.party.id, unconsented.map(\.person), pseudonymKey)
            return step(blocked: true) { tx in
                try IncidentRegister(audit: audit).consentBlocked(
                    reference: batchID.value, recipient: party, batch: batchID, subjects: subjects, purpose: purpose,
                    pseudonym: SubjectPseudonym(key: key),
                    in: tx)
            }
        }
        let hashes = payload.withUnsafeBytes { bytes in
            zip(items, knownHashes).map { item, known in
                if let known { return known }
                var hasher = SHA256()
                hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[item.fragment]))
                return Data(hasher.finalize())
            }
        }
        let outbox = Outbox(sealer: sealer, audit: audit)
        let draft = Outbox.Draft(
            id: batchID, recipient: recipient.party, contract: outbound.mapping.contract.id, contractVersion: outbound.mapping.contract.version,
            contentType: outbound.encoder.contentType, createdAt: context.moment)
        // The payload as it was encoded: sealed and stored without a copy of its own.
        let sealed = try outbox.seal(draft, payload: payload, recordHashes: hashes)
        let changes = items.map { ($0.state, $0.person) }
        return step(blocked: false, payloadBytes: payload.count) { tx in
            try outbox.put(sealed, payload: payload, in: tx)
            for (state, person) in changes {
                if let state {
                    try tx.putSent(state)
                } else {
                    try tx.removeSent(gemeente: gemeente, person: person)
                }
            }
        }
    }
}
