import Foundation
import KetenpoortCore
import Store

/// Records the checks store: made-up, no real person's data.
enum Samples {
    static let person = PersonKey(vnummer: "1234567890", bsn: "123456782")!
    static let day = CalendarDate(year: 2026, month: 11, day: 22)!

    static func batch(
        _ id: BatchID, payload: Data = Data("<Kennisgevingen/>".utf8), createdAt: TimeInterval = 100, recipient: String = "gm0363"
    ) -> OutboxBatch {
        OutboxBatch(
            id: id, recipient: recipient, recipientOIN: "00000001002220647000", contract: "gemeente-kennisgeving", contentType: "application/xml",
            createdAt: Date(timeIntervalSince1970: createdAt), recordCount: 2, merkleRoot: "ab", recordHashes: ["01", "02"],
            payloadBytes: payload.count, signature: "h..s")
    }

    static func sent(_ person: PersonKey, gemeente: String, hash: String, housed: Bool = false, run: RunID = "r1") -> SentState {
        SentState(gemeente: gemeente, person: person, bsn: "123456782", vnummer: "1234567890", contentHash: hash, isHoused: housed, lastRun: run)
    }

    static func incident(_ id: String) -> IncidentRecord {
        IncidentRecord(
            id: id, kind: .misroute, detectedAt: Date(timeIntervalSince1970: 5), recipient: "gm0363", batch: "b1", subjects: ["p1", "p2"],
            categories: [.identifier, .personal], leftGateway: false, details: "blocked")
    }

    static func inboxReceipt(_ key: String, sha256: String = "aa") -> InboxReceiptRecord {
        InboxReceiptRecord(
            contract: "coa-tvs-export", key: key, sha256: sha256, body: Data(#"{"outcome":"applied"}"#.utf8), signature: "e30..c2ln",
            node: "node-a", recordedAt: Date(timeIntervalSince1970: 1_795_000_000.25))
    }

    static func consent(_ id: String, version: Int) -> ConsentVersion {
        ConsentVersion(
            id: id, version: version, bsn: "123456782", purpose: "medisch-advies", recipient: "duo", givenAt: Date(timeIntervalSince1970: 10),
            validUntil: nil, withdrawnAt: nil, channel: "balie", receivedAt: Date(timeIntervalSince1970: 11))
    }

    static func decision(_ reference: String) -> ConsentDecision {
        ConsentDecision(
            at: Date(timeIntervalSince1970: 12), isAllowed: true, subject: "pseudonym-1", purpose: "medisch-advies", recipient: "duo",
            consent: "c1", flow: "argonaut-advies", reference: reference)
    }

    static func processing(_ subject: String) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: String(repeating: "1", count: 32), spanID: String(repeating: "2", count: 16), parentSpanID: nil, activity: "statusvraag",
            callerOIN: "00000001003214345000", purpose: "naturalisatie", caseNumber: nil, subject: subject, outcome: "bekend",
            at: Date(timeIntervalSince1970: 13))
    }

    /// The entry after `head`, its hash made up (the chain's hashing is the audit chain's business,
    /// the store only keeps the links).
    static func nextAudit(after head: AuditEntry?, kind: String = "test.event") -> AuditEntry {
        let seq = (head?.seq ?? 0) + 1
        return AuditEntry(
            seq: seq, time: "2026-11-30T12:00:00Z", kind: kind, payload: "{\"n\":\(seq)}", prevHash: head?.hash ?? AuditEntry.genesis,
            hash: String(format: "%064x", seq))
    }
}
