import Foundation
import KetenpoortCore
import Store

/// The consent register, its decision log (both only ever inserted) and the held advices, on
/// PostgreSQL.
extension PostgresTransaction {
    func appendConsentVersion(_ version: ConsentVersion) throws {
        try query(
            """
            INSERT INTO consent_version (id, version, bsn, purpose, recipient, given_at, valid_until, withdrawn_at, channel, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                version.id, version.version, version.bsn, version.purpose, version.recipient, version.givenAt, version.validUntil,
                version.withdrawnAt,
                version.channel, version.receivedAt,
            ])
    }

    func consentVersions(id: String) throws -> [ConsentVersion] {
        try query("SELECT * FROM consent_version WHERE id = $1 ORDER BY version", [id]).map(Self.consentVersion)
    }

    func consentVersions(bsn: String) throws -> [ConsentVersion] { try consentVersions(where: "bsn", equals: bsn) }

    func consentVersions(purpose: String) throws -> [ConsentVersion] { try consentVersions(where: "purpose", equals: purpose) }

    /// All versions of the consents that ever had `column` = `value` (the caller resolves the latest).
    private func consentVersions(where column: String, equals value: String) throws -> [ConsentVersion] {
        try query(
            "SELECT * FROM consent_version WHERE id IN (SELECT id FROM consent_version WHERE \(column) = $1) ORDER BY id, version", [value]
        ).map(Self.consentVersion)
    }

    func appendDecision(_ decision: ConsentDecision) throws -> Int {
        try query(
            """
            INSERT INTO consent_decision (at, allowed, subject, purpose, recipient, consent, flow, reference)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq
            """,
            [
                decision.at, decision.isAllowed, decision.subject, decision.purpose, decision.recipient, decision.consent, decision.flow,
                decision.reference,
            ]
        ).first { try $0["seq"] as Int } ?? 0
    }

    /// In one statement, in order (the log's `seq` follows the array's order).
    func appendDecisions(_ decisions: [ConsentDecision]) throws {
        guard decisions.count > 1 else {
            if let decision = decisions.first { try appendDecision(decision) }
            return
        }
        try query(
            """
            INSERT INTO consent_decision (at, allowed, subject, purpose, recipient, consent, flow, reference)
            SELECT at, allowed, subject, purpose, recipient, consent, flow, reference
            FROM unnest($1::timestamptz[], $2::boolean[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[])
                WITH ORDINALITY AS d (at, allowed, subject, purpose, recipient, consent, flow, reference, position)
            ORDER BY position
            """,
            [
                PostgresArray.text(decisions.map { PostgresTime.text($0.at) }), PostgresArray.literal(decisions.map { $0.isAllowed ? "t" : "f" }),
                PostgresArray.text(decisions.map(\.subject)), PostgresArray.text(decisions.map(\.purpose)),
                PostgresArray.text(decisions.map(\.recipient)), PostgresArray.text(decisions.map(\.consent)),
                PostgresArray.text(decisions.map(\.flow)), PostgresArray.text(decisions.map(\.reference)),
            ])
    }

    func decisions(reference: String?) throws -> [ConsentDecision] {
        if let reference {
            return try query("SELECT * FROM consent_decision WHERE reference = $1 ORDER BY seq", [reference]).map(Self.decision)
        }
        return try query("SELECT * FROM consent_decision ORDER BY seq").map(Self.decision)
    }

    func decisions(subject: String) throws -> [ConsentDecision] {
        try query("SELECT * FROM consent_decision WHERE subject = $1 ORDER BY seq", [subject]).map(Self.decision)
    }

    func holdAdvice(_ advice: HeldAdvice) throws {
        try query(
            "INSERT INTO advice (id, bsn, content, received_at, status, batch) VALUES ($1, $2, $3, $4, $5, $6)",
            [advice.id, advice.bsn, advice.content, advice.receivedAt, advice.status.rawValue, advice.batch])
    }

    func advice(id: String) throws -> HeldAdvice? {
        try query("SELECT * FROM advice WHERE id = $1", [id]).first(Self.advice)
    }

    func advices(status: AdviceStatus) throws -> [HeldAdvice] {
        try query("SELECT * FROM advice WHERE status = $1 ORDER BY received_at, id", [status.rawValue]).map(Self.advice)
    }

    /// The advice's text now lives only in its batch. PostgreSQL keeps the old row version until
    /// vacuum reclaims it (see deploy/postgres: the table is vacuumed aggressively).
    func markAdviceSealed(id: String, batch: BatchID) throws {
        try query(
            "UPDATE advice SET status = $1, batch = $2, content = ''::bytea WHERE id = $3 AND status = $4",
            [AdviceStatus.sealed.rawValue, batch, id, AdviceStatus.held.rawValue])
    }

    func deleteHeldAdvices(receivedBefore cutoff: Date) throws -> [String] {
        try query(
            "DELETE FROM advice WHERE status = $1 AND received_at < $2 RETURNING id, received_at", [AdviceStatus.held.rawValue, cutoff]
        ).map { row in (try row["received_at"] as Date, try row["id"] as String) }.sorted { ($0.0, $0.1) < ($1.0, $1.1) }.map(\.1)
    }

    func markAdviceRecalled(id: String) throws {
        try query(
            "UPDATE advice SET status = $1, content = ''::bytea WHERE id = $2 AND status = $3",
            [AdviceStatus.recalled.rawValue, id, AdviceStatus.sealed.rawValue])
    }

    func holdAgain(_ advice: HeldAdvice) throws {
        try query(
            "UPDATE advice SET status = $1, bsn = $2, content = $3, received_at = $4, batch = NULL WHERE id = $5 AND status = $6",
            [AdviceStatus.held.rawValue, advice.bsn, advice.content, advice.receivedAt, advice.id, AdviceStatus.recalled.rawValue])
    }

    static func decision(_ row: PostgresRow) throws -> ConsentDecision {
        ConsentDecision(
            seq: try row["seq"], at: try row["at"], isAllowed: try row["allowed"], subject: try row["subject"], purpose: try row["purpose"],
            recipient: try row["recipient"], consent: try row["consent"], flow: try row["flow"], reference: try row["reference"])
    }

    static func consentVersion(_ row: PostgresRow) throws -> ConsentVersion {
        ConsentVersion(
            id: try row["id"], version: try row["version"], bsn: try row["bsn"], purpose: try row["purpose"], recipient: try row["recipient"],
            givenAt: try row["given_at"], validUntil: try row["valid_until"], withdrawnAt: try row["withdrawn_at"], channel: try row["channel"],
            receivedAt: try row["received_at"])
    }

    static func advice(_ row: PostgresRow) throws -> HeldAdvice {
        HeldAdvice(
            id: try row["id"], bsn: try row["bsn"], content: try row["content"], receivedAt: try row["received_at"],
            status: AdviceStatus(rawValue: try row["status"]) ?? .held, batch: try row["batch"])
    }
}
