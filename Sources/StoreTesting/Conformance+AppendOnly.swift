import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let appendOnlyChecks: [ConformanceCheck] = [
        ConformanceCheck("append-only records refuse a second record under an existing id") { store, _, _ in
            try await store.write { tx in
                try tx.recordIncident(Samples.incident("i1"))
                try tx.appendConsentVersion(Samples.consent("c1", version: 1))
                try tx.recordInboxReceipt(Samples.inboxReceipt("key-1"))
            }
            await #expect(throws: (any Error).self) { try await store.write { try $0.recordIncident(Samples.incident("i1")) } }
            await #expect(throws: (any Error).self) {
                try await store.write { try $0.recordInboxReceipt(Samples.inboxReceipt("key-1", sha256: "bb")) }
            }
            await #expect(throws: (any Error).self) { try await store.write { try $0.appendConsentVersion(Samples.consent("c1", version: 1)) } }
            #expect(try await store.read { try $0.incidents() }.count == 1)
            #expect(try await store.read { try $0.consentVersions(id: "c1") }.count == 1)
            #expect(try await store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "key-1") }?.sha256 == "aa")
        },
        ConformanceCheck("the engine refuses every change and deletion of an append-only record, whoever tries") { store, _, harness in
            try await store.write { tx in
                try tx.appendAuditEntry { Samples.nextAudit(after: $0) }
                try tx.insertCheckpoint(AuditCheckpoint(seq: 1, hash: String(format: "%064x", 1), time: "t1", jws: "a..b"))
                try tx.recordIncident(Samples.incident("i1"))
                try tx.appendIncidentEvent(
                    IncidentEvent(incident: "i1", sequence: 1, at: Date(timeIntervalSince1970: 6), status: .assessed, reason: nil))
                try tx.appendConsentVersion(Samples.consent("c1", version: 1))
                try tx.appendDecision(Samples.decision("run-1"))
                try tx.recordInboxReceipt(Samples.inboxReceipt("key-1"))
            }
            let logEntry = Samples.processing("pseudonym-1")
            try await Self.appendBlocking(logEntry, to: store.processingLog)
            for record in AppendOnlyRecord.allCases {
                for operation in Tampering.allCases {
                    #expect(throws: KetenpoortError(.storeAppendOnly, ""), "\(operation) of \(record)") {
                        try harness.tamper(record, operation, in: store)
                    }
                }
            }
            #expect(try await store.read { try $0.auditEntry(seq: 1) } == Samples.nextAudit(after: nil))
            #expect(try await store.read { try $0.incidents() } == [Samples.incident("i1")])
            #expect(try await store.read { try $0.incidentEvents(incident: "i1") }.count == 1)
            #expect(try await store.read { try $0.consentVersions(id: "c1") } == [Samples.consent("c1", version: 1)])
            #expect(try await store.read { try $0.decisions(reference: "run-1") }.count == 1)
            #expect(try await store.processingLog.processings(subject: "pseudonym-1") == [logEntry])
            #expect(try await store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "key-1") } == Samples.inboxReceipt("key-1"))
        },
    ]

    /// Appends on a thread of its own, as the gateway's grouped writer does.
    static func appendBlocking(_ entry: ProcessingLogEntry, to log: any ProcessingLog) async throws {
        try await OwnThread.run { try log.append([entry]) }
    }
}
