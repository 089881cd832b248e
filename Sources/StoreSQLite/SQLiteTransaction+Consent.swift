import Foundation
import GRDB
import KetenpoortCore
import Store

/// The consent register, its decision log and the held advices on SQLite. Consent versions and
/// decisions are only ever inserted (triggers refuse the rest).
extension SQLiteTransaction {
    func appendConsentVersion(_ version: ConsentVersion) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO consent_version (id, version, bsn, purpose, recipient, given_at, valid_until, withdrawn_at, channel, received_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [
                version.id, version.version, version.bsn, version.purpose, version.recipient, version.givenAt.timeIntervalSince1970,
                version.validUntil?.timeIntervalSince1970, version.withdrawnAt?.timeIntervalSince1970, version.channel,
                version.receivedAt.timeIntervalSince1970,
            ])
    }

    func consentVersions(id: String) throws -> [ConsentVersion] {
        try Row.fetchAll(try db.cachedStatement(sql: "SELECT * FROM consent_version WHERE id = ? ORDER BY version"), arguments: [id])
            .map(Self.consentVersion)
    }

    func consentVersions(bsn: String) throws -> [ConsentVersion] {
        try consentVersions(where: "bsn", equals: bsn)
    }

    func consentVersions(purpose: String) throws -> [ConsentVersion] {
        try consentVersions(where: "purpose", equals: purpose)
    }

    /// All versions of the consents that ever had `column` = `value` (a later version may change
    /// what an earlier one said, so the caller resolves the latest version itself).
    private func consentVersions(where column: String, equals value: String) throws -> [ConsentVersion] {
        try Row.fetchAll(
            try db.cachedStatement(
                sql: "SELECT * FROM consent_version WHERE id IN (SELECT id FROM consent_version WHERE \(column) = ?) ORDER BY id, version"),
            arguments: [value]
        ).map(Self.consentVersion)
    }

    func appendDecision(_ decision: ConsentDecision) throws -> Int {
        try db.cachedStatement(
            sql: "INSERT INTO consent_decision (at, allowed, subject, purpose, recipient, consent, flow, reference) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
        ).execute(
            arguments: [
                decision.at.timeIntervalSince1970, decision.isAllowed, decision.subject, decision.purpose, decision.recipient, decision.consent,
                decision.flow, decision.reference,
            ])
        return Int(db.lastInsertedRowID)
    }

    func decisions(reference: String?) throws -> [ConsentDecision] {
        let rows =
            if let reference {
                try Row.fetchAll(db, sql: "SELECT * FROM consent_decision WHERE reference = ? ORDER BY seq", arguments: [reference])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM consent_decision ORDER BY seq")
            }
        return rows.map(Self.decision)
    }

    func decisions(subject: String) throws -> [ConsentDecision] {
        try Row.fetchAll(db, sql: "SELECT * FROM consent_decision WHERE subject = ? ORDER BY seq", arguments: [subject]).map(Self.decision)
    }

    static func decision(_ row: Row) -> ConsentDecision {
        ConsentDecision(
            seq: row["seq"], at: Date(timeIntervalSince1970: row["at"]), isAllowed: row["allowed"], subject: row["subject"],
            purpose: row["purpose"], recipient: row["recipient"], consent: row["consent"], flow: row["flow"], reference: row["reference"])
    }

    func holdAdvice(_ advice: HeldAdvice) throws {
        try db.execute(
            sql: "INSERT INTO advice (id, bsn, content, received_at, status, batch) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [advice.id, advice.bsn, advice.content, advice.receivedAt.timeIntervalSince1970, advice.status.rawValue, advice.batch])
    }

    func advice(id: String) throws -> HeldAdvice? {
        try Row.fetchOne(db, sql: "SELECT * FROM advice WHERE id = ?", arguments: [id]).map(Self.advice)
    }

    func advices(status: AdviceStatus) throws -> [HeldAdvice] {
        try Row.fetchAll(db, sql: "SELECT * FROM advice WHERE status = ? ORDER BY received_at, id", arguments: [status.rawValue]).map(Self.advice)
    }

    func markAdviceSealed(id: String, batch: BatchID) throws {
        // The advice's text now lives only in its batch: zeroed here, not merely freed.
        try zeroingDeleted {
            try db.execute(
                sql: "UPDATE advice SET status = ?, batch = ?, content = x'' WHERE id = ? AND status = ?",
                arguments: [AdviceStatus.sealed.rawValue, batch, id, AdviceStatus.held.rawValue])
        }
    }

    func deleteHeldAdvices(receivedBefore cutoff: Date) throws -> [String] {
        let arguments: StatementArguments = [AdviceStatus.held.rawValue, cutoff.timeIntervalSince1970]
        let ids = try String.fetchAll(
            db, sql: "SELECT id FROM advice WHERE status = ? AND received_at < ? ORDER BY received_at, id", arguments: arguments)
        try zeroingDeleted { try db.execute(sql: "DELETE FROM advice WHERE status = ? AND received_at < ?", arguments: arguments) }
        return ids
    }

    func markAdviceRecalled(id: String) throws {
        try db.execute(
            sql: "UPDATE advice SET status = ?, content = x'' WHERE id = ? AND status = ?",
            arguments: [AdviceStatus.recalled.rawValue, id, AdviceStatus.sealed.rawValue])
    }

    func holdAgain(_ advice: HeldAdvice) throws {
        try db.execute(
            sql: "UPDATE advice SET status = ?, bsn = ?, content = ?, received_at = ?, batch = NULL WHERE id = ? AND status = ?",
            arguments: [
                AdviceStatus.held.rawValue, advice.bsn, advice.content, advice.receivedAt.timeIntervalSince1970, advice.id,
                AdviceStatus.recalled.rawValue,
            ])
    }

    func recallBatch(id: BatchID) throws -> Bool {
        try db.execute(
            sql: "UPDATE batch SET status = ?, next_attempt_at = NULL WHERE id = ? AND status IN (?, ?)",
            arguments: [BatchStatus.recalled.rawValue, id, BatchStatus.pending.rawValue, BatchStatus.deadLettered.rawValue])
        guard db.changesCount == 1 else { return false }
        try deletePayload(batch: id)
        return true
    }

    static func consentVersion(_ row: Row) -> ConsentVersion {
        let validUntil: Double? = row["valid_until"], withdrawnAt: Double? = row["withdrawn_at"]
        return ConsentVersion(
            id: row["id"], version: row["version"], bsn: row["bsn"], purpose: row["purpose"], recipient: row["recipient"],
            givenAt: Date(timeIntervalSince1970: row["given_at"]), validUntil: validUntil.map(Date.init(timeIntervalSince1970:)),
            withdrawnAt: withdrawnAt.map(Date.init(timeIntervalSince1970:)), channel: row["channel"],
            receivedAt: Date(timeIntervalSince1970: row["received_at"]))
    }

    static func advice(_ row: Row) -> HeldAdvice {
        HeldAdvice(
            id: row["id"], bsn: row["bsn"], content: row["content"], receivedAt: Date(timeIntervalSince1970: row["received_at"]),
            status: AdviceStatus(rawValue: row["status"]) ?? .held, batch: row["batch"])
    }
}
