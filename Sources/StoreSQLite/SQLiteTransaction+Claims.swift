import Foundation
import GRDB
import KetenpoortCore
import Store

/// Claims on due batches, serialised by SQLite's one writer: the batches chosen here cannot be
/// claimed by another before this transaction commits.
extension SQLiteTransaction {
    func claim(batches: [BatchID], holder: String, for duration: TimeInterval) throws -> [BatchID] {
        let now = clock.now().timeIntervalSince1970
        let free = try db.cachedStatement(
            sql: """
                SELECT 1 FROM batch LEFT JOIN batch_claim ON batch_claim.batch = batch.id
                WHERE batch.id = ? AND batch.status = ? AND (batch_claim.batch IS NULL OR batch_claim.until <= ? OR batch_claim.holder = ?)
                """)
        let claim = try db.cachedStatement(sql: "INSERT OR REPLACE INTO batch_claim (batch, holder, until) VALUES (?, ?, ?)")
        var claimed: [BatchID] = []
        for id in batches where try Bool.fetchOne(free, arguments: [id, BatchStatus.pending.rawValue, now, holder]) ?? false {
            try claim.execute(arguments: [id, holder, now + duration])
            claimed.append(id)
        }
        return claimed
    }

    func renewClaim(batch: BatchID, holder: String, for duration: TimeInterval) throws -> ClaimRenewal {
        let now = clock.now().timeIntervalSince1970
        try db.cachedStatement(sql: "UPDATE batch_claim SET until = ? WHERE batch = ? AND holder = ? AND until > ?")
            .execute(arguments: [now + duration, batch, holder, now])
        if db.changesCount == 1 { return .renewed }
        return try Bool.fetchOne(db, sql: "SELECT 1 FROM batch_claim WHERE batch = ?", arguments: [batch]) == nil ? .released : .lost
    }

    func releaseClaim(batch: BatchID, holder: String) throws {
        try db.cachedStatement(sql: "DELETE FROM batch_claim WHERE batch = ? AND holder = ?").execute(arguments: [batch, holder])
    }
}
