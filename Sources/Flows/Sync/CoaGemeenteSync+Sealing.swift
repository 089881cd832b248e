import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

extension CoaGemeenteSync {
    /// Seals the staged notifications: per municipality one batch, split above `maxBatchRecords`;
    /// each passes the routing guard and the consent guard first. Sent state is recorded only for
    /// sealed notifications. Every batch of the run is sealed as of `moment`.
    func seal(runID: String, at moment: Date, guard consentGuard: ConsentGuard, tx: any StoreTransaction, report: inout SyncReport) throws {
        var current: [StagedNotification] = []
        var part = 0
        func flush() throws {
            guard let first = current.first else { return }
            part += 1
            try sealBatch(current, gemeente: first.gemeente, part: part, runID: runID, at: moment, guard: consentGuard, tx: tx, report: &report)
            current.removeAll(keepingCapacity: true)
        }
        try tx.forEachStaged(run: runID) { notification in
            if let first = current.first, first.gemeente != notification.gemeente {
                try flush()
                part = 0
            }
            current.append(notification)
            if current.count >= maxBatchRecords { try flush() }
        }
        try flush()
    }

    /// The configured audit chain, or one signed by the sealer.
    var auditChain: AuditChain { audit ?? AuditChain(signer: sealer.signer, clock: clock) }

    private func sealBatch(
        _ items: [StagedNotification], gemeente: String, part: Int, runID: String, at now: Date, guard consentGuard: ConsentGuard,
        tx: any StoreTransaction, report: inout SyncReport
    ) throws {
        guard let recipient = registry.gemeente(gemeente), let code = recipient.party.gemeente else { return }
        let batchID = "\(runID)-\(gemeente)-\(part)"
        // The guard looks at where each record is addressed, not at how the items were grouped.
        let guardItems = items.map { RoutingGuard.Item(addressee: $0.state?.gemeente ?? $0.gemeente, person: $0.person) }
        let misrouted = RoutingGuard().misrouted(guardItems, recipient: code)
        if !misrouted.isEmpty {
            try IncidentRegister(audit: auditChain).open(
                RoutingGuard().incident(batch: batchID, recipient: recipient, misrouted: misrouted, at: now, pseudonym: pseudonym), in: tx)
            report.blocked.append(batchID)
            logger.critical("batch blocked by the routing guard", metadata: ["batch": "\(batchID)", "misrouted": "\(misrouted.count)"])
            return
        }
        let unconsented = consentGuard.unconsented(items, recipient: code.value, at: now)
        if let purpose = unconsented.first?.purpose {
            try IncidentRegister(audit: auditChain).consentBlocked(
                reference: batchID, recipient: recipient.party.id, batch: batchID, subjects: unconsented.map(\.person), purpose: purpose,
                pseudonym: SubjectPseudonym(key: pseudonymKey), in: tx)
            report.blocked.append(batchID)
            logger.critical("batch blocked by the consent guard", metadata: ["batch": "\(batchID)", "unconsented": "\(unconsented.count)"])
            return
        }
        let context = ["gemeente": gemeente, "batch": batchID, "aangemaakt": CoaToGemeenteTranslation.timestamp(now), "aantal": String(items.count)]
        var payload: [UInt8] = []
        outbound.begin(context: context, into: &payload)
        var hashes: [Data] = []
        hashes.reserveCapacity(items.count)
        for item in items {
            payload.append(contentsOf: item.fragment)
            hashes.append(Data(SHA256.hash(data: item.fragment)))
        }
        outbound.end(context: context, into: &payload)
        let body = Data(payload)
        let sealed = try sealer.seal(
            payload: body, recordHashes: hashes, batch: batchID, recipient: recipient.party.oin, contract: outbound.mapping.contract.id,
            contractVersion: outbound.mapping.contract.version, issuedAt: now)
        let batch = OutboxBatch(
            id: batchID, recipient: recipient.party.id, recipientOIN: recipient.party.oin.value, contract: outbound.mapping.contract.id,
            contentType: outbound.encoder.contentType, createdAt: now, recordCount: items.count, merkleRoot: sealed.tree.rootHex,
            recordHashes: hashes.map(Hex.encode), payloadBytes: body.count, signature: sealed.jws.compact)
        try tx.insertBatch(batch, payload: body)
        try auditChain.append(.batchSealed(batch, payloadSHA256: sealed.header.payloadSHA256, signatureSHA256: Self.hash(Data(batch.signature.utf8))), in: tx)
        for item in items { if let state = item.state { try tx.putSent(state) } }
        report.batches.append(batchID)
    }
}
