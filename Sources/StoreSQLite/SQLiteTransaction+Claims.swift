import Foundation
import GRDB
import KetenpoortCore
import Store

/// Claims on due batches, serialised by SQLite's one writer: the batches chosen here cannot be
/// claimed by another before this transaction commits.
extension SQLiteTransaction {
    func claimDue(holder: String, limit: Int, for duration: TimeInterval) throws -> [BatchDue] {
        let now = clock.now().timeIntervalSince1970
        let due = try Row.fetchAll(
            db,
            sql: """
                SELECT batch.id, batch.recipient, batch.next_attempt_at, batch.payload_bytes AS bytes FROM batch
                LEFT JOIN batch_claim ON batch_claim.batch = batch.id
                WHERE batch.status = ? AND (batch.next_attempt_at IS NULL OR batch.next_attempt_at <= ?)
                  AND (batch_claim.batch IS NULL OR batch_claim.until <= ?)
                ORDER BY batch.created_at, batch.id LIMIT ?
                """,
            arguments: [BatchStatus.pending.rawValue, now, now, limit]
        ).map { row in
            let next: Double? = row["next_attempt_at"]
            return BatchDue(
                id: row["id"], recipient: row["recipient"], nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), bytes: row["bytes"])
        }
        let claim = try db.cachedStatement(sql: "INSERT OR REPLACE INTO batch_claim (batch, holder, until) VALUES (?, ?, ?)")
        for batch in due { try claim.execute(arguments: [batch.id, holder, now + duration]) }
        return due
    }

    func renewClaim(batch: BatchID, holder: String, for duration: TimeInterval) throws -> Bool {
        let now = clock.now().timeIntervalSince1970
        try db.execute(
            sql: "UPDATE batch_claim SET until = ? WHERE batch = ? AND holder = ? AND until > ?", arguments: [now + duration, batch, holder, now])
        return db.changesCount == 1
    }

    func releaseClaim(batch: BatchID, holder: String) throws {
        try db.execute(sql: "DELETE FROM batch_claim WHERE batch = ? AND holder = ?", arguments: [batch, holder])
    }
}
