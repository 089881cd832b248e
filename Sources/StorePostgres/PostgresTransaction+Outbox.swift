import Foundation
import KetenpoortCore
import Store

/// The outbox on PostgreSQL: batch rows without their bytes (payload parts in `batch_payload`),
/// claims in `batch_claim`, so a claim or its renewal never rewrites a batch row.
extension PostgresTransaction {
    func insertBatch(_ batch: OutboxBatch) throws {
        try query(
            """
            INSERT INTO batch (id, recipient, recipient_oin, contract, content_type, created_at, record_count, merkle_root,
                               record_hashes, payload_bytes, signature, status, attempts, next_attempt_at, last_error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
            """,
            [
                batch.id, batch.recipient, batch.recipientOIN, batch.contract, batch.contentType, batch.createdAt, batch.recordCount,
                batch.merkleRoot, batch.storedRecordHashes, batch.payloadBytes, batch.signature, batch.status.rawValue,
                batch.attempts, batch.nextAttemptAt, batch.lastError,
            ])
    }

    func appendPayloadPart(batch: BatchID, part: Int, bytes: some DataProtocol) throws {
        // Bound as it is: libpq sends the bytes from where they lie.
        try bytes.withBorrowedData { bytes in
            _ = try query("INSERT INTO batch_payload (batch, part, bytes) VALUES ($1, $2, $3)", [batch, part, bytes])
        }
    }

    private static let payloadPartSQL = "SELECT bytes FROM batch_payload WHERE batch = $1 AND part = $2"

    func payloadPart(batch: BatchID, part: Int) throws -> Data? {
        try connection.withFirstValue(Self.payloadPartSQL, [batch, part]) { Data($0) }
    }

    /// Straight from libpq's result into `buffer`: no `Data` of the part in between.
    func readPayloadPart(batch: BatchID, part: Int, into buffer: inout [UInt8]) throws -> Bool {
        let found = try connection.withFirstValue(Self.payloadPartSQL, [batch, part]) { bytes -> Bool in
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
            return true
        }
        return found ?? false
    }

    func batchesKeepingPayload(contract: String, sealedBefore cutoff: Date) throws -> [BatchID] {
        try query(
            """
            SELECT id FROM batch WHERE contract = $1 AND status IN ($2, $3, $4) AND created_at < $5
            AND EXISTS (SELECT 1 FROM batch_payload WHERE batch_payload.batch = batch.id) ORDER BY created_at, id
            """,
            [contract, BatchStatus.delivered.rawValue, BatchStatus.blocked.rawValue, BatchStatus.recalled.rawValue, cutoff]
        ).map { try $0["id"] as BatchID }
    }

    func deletePayload(batch: BatchID) throws {
        try query("DELETE FROM batch_payload WHERE batch = $1", [batch])
    }

    func batch(id: BatchID) throws -> OutboxBatch? {
        try query("SELECT * FROM batch WHERE id = $1", [id]).first(Self.batch)
    }

    func batches(status: BatchStatus?) throws -> [OutboxBatch] {
        if let status {
            return try query("SELECT * FROM batch WHERE status = $1 ORDER BY created_at, id", [status.rawValue]).map(Self.batch)
        }
        return try query("SELECT * FROM batch ORDER BY created_at, id").map(Self.batch)
    }

    func batchSummaries(status: BatchStatus?, recipient: String?, limit: Int) throws -> [BatchSummary] {
        try query(
            """
            SELECT id, recipient, contract, created_at, record_count, payload_bytes, status, attempts, next_attempt_at, last_error FROM batch
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR recipient = $2) ORDER BY created_at DESC, id DESC LIMIT $3
            """, [status?.rawValue, recipient, limit]
        ).map { row in
            BatchSummary(
                id: try row["id"], recipient: try row["recipient"], contract: try row["contract"], createdAt: try row["created_at"],
                recordCount: try row["record_count"], payloadBytes: try row["payload_bytes"],
                status: BatchStatus(rawValue: try row["status"]) ?? .pending, attempts: try row["attempts"],
                nextAttemptAt: try row["next_attempt_at"], lastError: try row["last_error"])
        }
    }

    func attempts(batch: BatchID) throws -> [DeliveryAttempt] {
        try query("SELECT at, http_status, error, receipt FROM attempt WHERE batch = $1 ORDER BY at, ctid", [batch]).map { row in
            DeliveryAttempt(batch: batch, at: try row["at"], httpStatus: try row["http_status"], error: try row["error"], receipt: try row["receipt"])
        }
    }

    func recipientActivity() throws -> [RecipientActivity] {
        try query(
            """
            SELECT b.recipient, max(a.at) FILTER (WHERE a.error IS NULL) AS delivered_at, max(a.at) FILTER (WHERE a.error IS NOT NULL) AS failed_at,
                (SELECT a2.error FROM attempt a2 JOIN batch b2 ON b2.id = a2.batch WHERE b2.recipient = b.recipient AND a2.error IS NOT NULL
                 ORDER BY a2.at DESC LIMIT 1) AS last_error
            FROM attempt a JOIN batch b ON b.id = a.batch GROUP BY b.recipient ORDER BY b.recipient
            """
        ).map { row in
            RecipientActivity(
                recipient: try row["recipient"], lastDeliveredAt: try row["delivered_at"], lastFailedAt: try row["failed_at"],
                lastError: try row["last_error"])
        }
    }

    func schedule(status: BatchStatus) throws -> [BatchDue] {
        try query(
            "SELECT id, recipient, next_attempt_at, payload_bytes FROM batch WHERE status = $1 ORDER BY created_at, id", [status.rawValue]
        ).map(Self.due)
    }

    func outboxDepth(status: BatchStatus) throws -> [OutboxDepth] {
        try query(
            "SELECT recipient, count(*) AS n, min(created_at) AS oldest FROM batch WHERE status = $1 GROUP BY recipient ORDER BY recipient",
            [status.rawValue]
        ).map { row in OutboxDepth(recipient: try row["recipient"], batches: try row["n"], oldestCreatedAt: try row["oldest"]) }
    }

    func recordAttempt(_ attempt: DeliveryAttempt, status: BatchStatus, nextAttemptAt: Date?) throws {
        try query(
            "INSERT INTO attempt (batch, at, http_status, error, receipt) VALUES ($1, $2, $3, $4, $5)",
            [attempt.batch, attempt.at, attempt.httpStatus, attempt.error, attempt.receipt])
        // A batch recalled while this attempt ran stays recalled, unless the attempt delivered it.
        try query(
            """
            UPDATE batch SET status = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3
            WHERE id = $4 AND (status = $5 OR $1 = $6)
            """,
            [status.rawValue, nextAttemptAt, attempt.error, attempt.batch, BatchStatus.pending.rawValue, BatchStatus.delivered.rawValue])
    }

    func requeue(batch: BatchID, at: Date) throws {
        try query(
            "UPDATE batch SET status = $1, attempts = 0, next_attempt_at = $2 WHERE id = $3 AND status IN ($4, $1)",
            [BatchStatus.pending.rawValue, at, batch, BatchStatus.deadLettered.rawValue])
    }

    func recallBatch(id: BatchID) throws -> Bool {
        let changed = try query(
            "UPDATE batch SET status = $1, next_attempt_at = NULL WHERE id = $2 AND status IN ($3, $4)",
            [BatchStatus.recalled.rawValue, id, BatchStatus.pending.rawValue, BatchStatus.deadLettered.rawValue])
        guard changed.affected == 1 else { return false }
        try deletePayload(batch: id)
        return true
    }

    // MARK: Claims

    /// Batch rows another node is claiming right now are skipped (`SKIP LOCKED`), not waited for;
    /// a claim another node committed meanwhile is kept, because the upsert only replaces a claim
    /// that has ended (or is the holder's own).
    func claim(batches: [BatchID], holder: String, for duration: TimeInterval) throws -> [BatchID] {
        guard !batches.isEmpty else { return [] }
        let claimed = try query(
            """
            WITH moment AS (SELECT \(Self.nowSQL(1)) AS now),
            candidates AS (SELECT id FROM batch WHERE id = ANY($2::text[]) AND status = $3 FOR UPDATE SKIP LOCKED),
            claimed AS (
                INSERT INTO batch_claim (batch, holder, until)
                SELECT candidates.id, $4, moment.now + make_interval(secs => $5::float8) FROM candidates, moment
                ON CONFLICT (batch) DO UPDATE SET holder = excluded.holder, until = excluded.until
                WHERE batch_claim.until <= (SELECT now FROM moment) OR batch_claim.holder = excluded.holder
                RETURNING batch)
            SELECT batch FROM claimed
            """,
            [now, PostgresArray.text(batches.map(\.value)), BatchStatus.pending.rawValue, holder, String(duration)]
        ).map { try $0["batch"] as BatchID }
        let held = Set(claimed)
        return batches.filter(held.contains)
    }

    /// One statement, which waits for no lock: a live claim of the holder's whose row another
    /// transaction holds is being released by its attempt's record (only the holder's own
    /// transactions change a live claim), so it counts as released and is left alone. Waiting for
    /// that transaction would have ended in a false "lost": its snapshot, taken before the release
    /// committed, still holds the claim.
    func renewClaim(batch: BatchID, holder: String, for duration: TimeInterval) throws -> ClaimRenewal {
        let (renewed, live, claimed) =
            try query(
                """
                WITH moment AS (SELECT \(Self.nowSQL(1)) AS now),
                live AS (SELECT batch FROM batch_claim, moment WHERE batch = $3 AND holder = $4 AND until > moment.now),
                target AS (SELECT batch FROM batch_claim WHERE batch IN (SELECT batch FROM live) FOR UPDATE SKIP LOCKED),
                renewed AS (
                    UPDATE batch_claim SET until = moment.now + make_interval(secs => $2::float8) FROM moment, target
                    WHERE batch_claim.batch = target.batch
                    RETURNING batch_claim.batch)
                SELECT (SELECT count(*) FROM renewed)::int AS renewed, (SELECT count(*) FROM live)::int AS live,
                    EXISTS (SELECT 1 FROM batch_claim WHERE batch = $3) AS claimed
                """,
                [now, String(duration), batch, holder]
            ).first { (try $0["renewed"] as Int, try $0["live"] as Int, try $0["claimed"] as Bool) } ?? (0, 0, false)
        if renewed == 1 { return .renewed }
        return live == 1 || !claimed ? .released : .lost
    }

    func releaseClaim(batch: BatchID, holder: String) throws {
        try query("DELETE FROM batch_claim WHERE batch = $1 AND holder = $2", [batch, holder])
    }

    static func due(_ row: PostgresRow) throws -> BatchDue {
        BatchDue(id: try row["id"], recipient: try row["recipient"], nextAttemptAt: try row["next_attempt_at"], bytes: try row["payload_bytes"])
    }

    static func batch(_ row: PostgresRow) throws -> OutboxBatch {
        let hashes: String = try row["record_hashes"]
        return OutboxBatch(
            id: try row["id"], recipient: try row["recipient"], recipientOIN: try row["recipient_oin"], contract: try row["contract"],
            contentType: try row["content_type"], createdAt: try row["created_at"], recordCount: try row["record_count"],
            merkleRoot: try row["merkle_root"], recordHashes: OutboxBatch.recordHashes(stored: hashes),
            payloadBytes: try row["payload_bytes"], signature: try row["signature"], status: BatchStatus(rawValue: try row["status"]) ?? .pending,
            attempts: try row["attempts"], nextAttemptAt: try row["next_attempt_at"], lastError: try row["last_error"])
    }
}
