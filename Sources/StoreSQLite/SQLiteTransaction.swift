import Foundation
import GRDB
import GRDBSQLite
import KetenpoortCore
import Store

/// The store's operations on one open SQLite transaction.
struct SQLiteTransaction: StoreTransaction, DiskSortingTransaction {
    let db: Database
    /// The engine's clock: claims and leases end by it, never by a caller's.
    let clock: any WallClock

    // MARK: Snapshots

    func lastSnapshot(source: String) throws -> SnapshotMark? {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM snapshot WHERE source = ?", arguments: [source]) else { return nil }
        let date: String = row["date"]
        guard let parsed = Self.date(date) else { return nil }
        return SnapshotMark(
            source: row["source"], date: parsed, run: row["run"], acceptedAt: Date(timeIntervalSince1970: row["accepted_at"]), items: row["items"])
    }

    func acceptSnapshot(_ mark: SnapshotMark) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO snapshot (source, date, run, accepted_at, items) VALUES (?, ?, ?, ?, ?)",
            arguments: [mark.source, mark.date.iso, mark.run, mark.acceptedAt.timeIntervalSince1970, mark.items])
    }

    // MARK: DUO extracts recorded

    func isDuoExtractRecorded(sequence: Int) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT 1 FROM duo_extract WHERE sequence = ?", arguments: [sequence]) ?? false
    }

    func markDuoExtractRecorded(_ mark: DuoExtractMark) throws {
        try db.execute(
            sql: "INSERT INTO duo_extract (sequence, creation_date, file_name, sha256, records, applied_at) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [mark.sequence, mark.creationDate.iso, mark.fileName, mark.sha256, mark.records, mark.appliedAt.timeIntervalSince1970])
    }

    // MARK: Sent state

    func sentStates(bsn: String) throws -> [SentState] {
        try Row.fetchAll(db, sql: "SELECT * FROM sent WHERE bsn = ? ORDER BY gemeente", arguments: [bsn]).map(Self.sent)
    }

    func putSent(_ state: SentState) throws {
        // Bound directly: a night writes a sent state per notification.
        try BoundStatement(
            cached: "INSERT OR REPLACE INTO sent (gemeente, person, bsn, vnummer, content_hash, housed, last_run) VALUES (?, ?, ?, ?, ?, ?, ?)",
            in: db
        ).run { row in
            row.text(state.gemeente)
            row.text(state.person.value)
            row.text(state.bsn)
            row.text(state.vnummer)
            row.text(state.contentHash)
            row.integer(state.isHoused ? 1 : 0)
            row.text(state.lastRun.value)
        }
    }

    func removeSent(gemeente: String, person: PersonKey) throws {
        try BoundStatement(cached: "DELETE FROM sent WHERE gemeente = ? AND person = ?", in: db).run { row in
            row.text(gemeente)
            row.text(person.value)
        }
    }

    func forEachSentByPerson(_ body: (SentState) throws -> Void) throws {
        // Sorted as it is read (SQLite's external sorter): an index by person would cost every
        // night's short transactions far more than this one sort.
        let rows = try RowCursor("SELECT gemeente, person, bsn, vnummer, content_hash, housed, last_run FROM sent ORDER BY person, gemeente", in: db)
        while try rows.next() {
            try body(
                SentState(
                    gemeente: rows.text(0), person: PersonKey(value: rows.text(1)), bsn: rows.optionalText(2), vnummer: rows.optionalText(3),
                    contentHash: rows.text(4), isHoused: rows.integer(5) != 0, lastRun: RunID(rows.text(6))))
        }
    }

    static func sent(_ row: Row) -> SentState {
        SentState(
            gemeente: row["gemeente"], person: PersonKey(value: row["person"]), bsn: row["bsn"], vnummer: row["vnummer"],
            contentHash: row["content_hash"], isHoused: row["housed"], lastRun: row["last_run"])
    }

    // MARK: Syncs under way

    func syncRun(_ run: RunID) throws -> SyncRunMark? {
        try Row.fetchOne(db, sql: "SELECT * FROM sync_run WHERE run = ?", arguments: [run]).map { row in
            SyncRunMark(run: row["run"], job: row["job"], startedAt: Date(timeIntervalSince1970: row["started_at"]), report: row["report"])
        }
    }

    func beginSyncRun(_ mark: SyncRunMark) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO sync_run (run, job, started_at, report) VALUES (?, ?, ?, ?)",
            arguments: [mark.run, mark.job, mark.startedAt.timeIntervalSince1970, mark.report])
    }

    func recordSyncBatch(run: RunID, batch: BatchID, blocked: Bool) throws {
        try db.cachedStatement(sql: "INSERT INTO sync_run_batch (run, batch, blocked) VALUES (?, ?, ?)").execute(arguments: [run, batch, blocked])
    }

    func syncBatches(run: RunID) throws -> [(batch: BatchID, blocked: Bool)] {
        try Row.fetchAll(db, sql: "SELECT batch, blocked FROM sync_run_batch WHERE run = ? ORDER BY rowid", arguments: [run]).map { ($0[0], $0[1]) }
    }

    func endSyncRuns(job: String) throws {
        try db.execute(sql: "DELETE FROM sync_run_batch WHERE run IN (SELECT run FROM sync_run WHERE job = ?)", arguments: [job])
        try db.execute(sql: "DELETE FROM sync_run WHERE job = ?", arguments: [job])
    }

    // MARK: Outbox

    func insertBatch(_ batch: OutboxBatch) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO batch (id, recipient, recipient_oin, contract, content_type, created_at, record_count, merkle_root,
                                   record_hashes, payload_bytes, signature, status, attempts, next_attempt_at, last_error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            batch.id, batch.recipient, batch.recipientOIN, batch.contract, batch.contentType, batch.createdAt.timeIntervalSince1970,
            batch.recordCount, batch.merkleRoot, batch.storedRecordHashes, batch.payloadBytes, batch.signature,
            batch.status.rawValue, batch.attempts, batch.nextAttemptAt?.timeIntervalSince1970, batch.lastError,
        ])
    }

    func appendPayloadPart(batch: BatchID, part: Int, bytes: some DataProtocol) throws {
        // Bound where it lies, not copied: a night stores hundreds of megabytes of parts.
        let insert = try BoundStatement(cached: "INSERT INTO batch_payload (batch, part, bytes) VALUES (?, ?, ?)", in: db)
        try bytes.withBorrowedData { data in
            try data.withUnsafeBytes { raw in
                try insert.run {
                    $0.text(batch.value)
                    $0.integer(Int64(part))
                    $0.borrowedBlob(raw)
                }
            }
        }
    }

    func batchesKeepingPayload(contract: String, sealedBefore cutoff: Date) throws -> [BatchID] {
        try BatchID.fetchAll(
            db,
            sql: """
                SELECT id FROM batch WHERE contract = ? AND status IN (?, ?, ?) AND created_at < ?
                AND EXISTS (SELECT 1 FROM batch_payload WHERE batch_payload.batch = batch.id) ORDER BY created_at, id
                """,
            arguments: [
                contract, BatchStatus.delivered.rawValue, BatchStatus.blocked.rawValue, BatchStatus.recalled.rawValue, cutoff.timeIntervalSince1970,
            ])
    }

    func deletePayload(batch: BatchID) throws {
        try zeroingDeleted { try db.execute(sql: "DELETE FROM batch_payload WHERE batch = ?", arguments: [batch]) }
    }

    /// Runs `body` with SQLite's `secure_delete` on: what it deletes or overwrites is zeroed in the
    /// file, not merely freed (personal data past its use). The write-ahead log keeps the old page
    /// images until it is checkpointed and overwritten.
    func zeroingDeleted<T>(_ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA secure_delete = ON")
        defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
        return try body()
    }

    func payloadPart(batch: BatchID, part: Int) throws -> Data? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT bytes FROM batch_payload WHERE batch = ? AND part = ?"), arguments: [batch, part])
    }

    /// Through SQLite's incremental blob I/O, straight from the pages into `buffer`: selecting the
    /// column would first copy the part into a buffer of SQLite's own, fresh memory each time.
    func readPayloadPart(batch: BatchID, part: Int, into buffer: inout [UInt8]) throws -> Bool {
        let row = try RowCursor(cached: "SELECT rowid FROM batch_payload WHERE batch = ? AND part = ?", in: db) {
            $0.text(batch.value)
            $0.integer(Int64(part))
        }
        guard let rowid = try row.first({ $0.integer(0) }) else { return false }
        var blob: OpaquePointer?
        defer { sqlite3_blob_close(blob) }
        var code = sqlite3_blob_open(db.sqliteConnection, "main", "batch_payload", "bytes", rowid, 0, &blob)
        guard code == SQLITE_OK, let blob else { throw db.stepFailure(code) }
        let count = Int(sqlite3_blob_bytes(blob))
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: count))
        code = buffer.withUnsafeMutableBytes { sqlite3_blob_read(blob, $0.baseAddress, Int32(count), 0) }
        guard code == SQLITE_OK else { throw db.stepFailure(code) }
        return true
    }

    func batch(id: BatchID) throws -> OutboxBatch? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM batch WHERE id = ?"), arguments: [id]).map(Self.batch)
    }

    func batches(status: BatchStatus?) throws -> [OutboxBatch] {
        if let status {
            return try Row.fetchAll(db, sql: "SELECT * FROM batch WHERE status = ? ORDER BY created_at, id", arguments: [status.rawValue]).map(
                Self.batch)
        }
        return try Row.fetchAll(db, sql: "SELECT * FROM batch ORDER BY created_at, id").map(Self.batch)
    }

    func batchSummaries(status: BatchStatus?, recipient: String?, limit: Int) throws -> [BatchSummary] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT id, recipient, contract, created_at, record_count, payload_bytes, status, attempts, next_attempt_at, last_error FROM batch
                WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR recipient = ?2) ORDER BY created_at DESC, id DESC LIMIT ?3
                """, arguments: [status?.rawValue, recipient, limit]
        ).map { row in
            let next: Double? = row["next_attempt_at"]
            return BatchSummary(
                id: row["id"], recipient: row["recipient"], contract: row["contract"], createdAt: Date(timeIntervalSince1970: row["created_at"]),
                recordCount: row["record_count"], payloadBytes: row["payload_bytes"], status: BatchStatus(rawValue: row["status"]) ?? .pending,
                attempts: row["attempts"], nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), lastError: row["last_error"])
        }
    }

    func attempts(batch: BatchID) throws -> [DeliveryAttempt] {
        try Row.fetchAll(db, sql: "SELECT at, http_status, error, receipt FROM attempt WHERE batch = ? ORDER BY at, rowid", arguments: [batch]).map {
            row in
            DeliveryAttempt(
                batch: batch, at: Date(timeIntervalSince1970: row["at"]), httpStatus: row["http_status"], error: row["error"], receipt: row["receipt"]
            )
        }
    }

    func recipientActivity() throws -> [RecipientActivity] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT b.recipient, max(CASE WHEN a.error IS NULL THEN a.at END) AS delivered_at,
                    max(CASE WHEN a.error IS NOT NULL THEN a.at END) AS failed_at,
                    (SELECT a2.error FROM attempt a2 JOIN batch b2 ON b2.id = a2.batch WHERE b2.recipient = b.recipient AND a2.error IS NOT NULL
                     ORDER BY a2.at DESC, a2.rowid DESC LIMIT 1) AS last_error
                FROM attempt a JOIN batch b ON b.id = a.batch GROUP BY b.recipient ORDER BY b.recipient
                """
        ).map { row in
            let delivered: Double? = row["delivered_at"]
            let failed: Double? = row["failed_at"]
            return RecipientActivity(
                recipient: row["recipient"], lastDeliveredAt: delivered.map(Date.init(timeIntervalSince1970:)),
                lastFailedAt: failed.map(Date.init(timeIntervalSince1970:)), lastError: row["last_error"])
        }
    }

    func schedule(status: BatchStatus) throws -> [BatchDue] {
        try Row.fetchAll(
            db, sql: "SELECT id, recipient, next_attempt_at, payload_bytes AS bytes FROM batch WHERE status = ? ORDER BY created_at, id",
            arguments: [status.rawValue]
        ).map { row in
            let next: Double? = row["next_attempt_at"]
            return BatchDue(
                id: row["id"], recipient: row["recipient"], nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), bytes: row["bytes"])
        }
    }

    func outboxDepth(status: BatchStatus) throws -> [OutboxDepth] {
        try Row.fetchAll(
            db, sql: "SELECT recipient, count(*) AS n, min(created_at) AS oldest FROM batch WHERE status = ? GROUP BY recipient ORDER BY recipient",
            arguments: [status.rawValue]
        ).map { row in
            OutboxDepth(recipient: row["recipient"], batches: row["n"], oldestCreatedAt: Date(timeIntervalSince1970: row["oldest"]))
        }
    }

    func recordAttempt(_ attempt: DeliveryAttempt, status: BatchStatus, nextAttemptAt: Date?) throws {
        try db.cachedStatement(sql: "INSERT INTO attempt (batch, at, http_status, error, receipt) VALUES (?, ?, ?, ?, ?)")
            .execute(arguments: [attempt.batch, attempt.at.timeIntervalSince1970, attempt.httpStatus, attempt.error, attempt.receipt])
        // A batch recalled while this attempt ran stays recalled, unless the attempt delivered it:
        // then delivered is what happened.
        try db.cachedStatement(
            sql: "UPDATE batch SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ? AND (status = ? OR ? = ?)"
        ).execute(
            arguments: [
                status.rawValue, nextAttemptAt?.timeIntervalSince1970, attempt.error, attempt.batch, BatchStatus.pending.rawValue, status.rawValue,
                BatchStatus.delivered.rawValue,
            ])
    }

    func requeue(batch: BatchID, at: Date) throws {
        try db.execute(
            sql: "UPDATE batch SET status = ?, attempts = 0, next_attempt_at = ? WHERE id = ? AND status IN (?, ?)",
            arguments: [
                BatchStatus.pending.rawValue, at.timeIntervalSince1970, batch, BatchStatus.deadLettered.rawValue, BatchStatus.pending.rawValue,
            ])
    }

    static func batch(_ row: Row) -> OutboxBatch {
        let hashes: String = row["record_hashes"]
        let next: Double? = row["next_attempt_at"]
        return OutboxBatch(
            id: row["id"], recipient: row["recipient"], recipientOIN: row["recipient_oin"], contract: row["contract"],
            contentType: row["content_type"], createdAt: Date(timeIntervalSince1970: row["created_at"]), recordCount: row["record_count"],
            merkleRoot: row["merkle_root"], recordHashes: OutboxBatch.recordHashes(stored: hashes),
            payloadBytes: row["payload_bytes"], signature: row["signature"], status: BatchStatus(rawValue: row["status"]) ?? .pending,
            attempts: row["attempts"], nextAttemptAt: next.map(Date.init(timeIntervalSince1970:)), lastError: row["last_error"])
    }

    // MARK: Quarantine, runs

    func quarantine(_ entry: QuarantineEntry) throws {
        try db.execute(
            sql: "INSERT INTO quarantine (run, source, position, field, rule, message) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [entry.run, entry.source, entry.position, entry.field, entry.rule, entry.message])
    }

    func quarantined(run: RunID) throws -> [QuarantineEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM quarantine WHERE run = ? ORDER BY rowid", arguments: [run]).map { row in
            QuarantineEntry(
                run: row["run"], source: row["source"], position: row["position"], field: row["field"], rule: row["rule"], message: row["message"])
        }
    }

    func recordRun(_ run: RunRecord) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO run (id, job, started_at, finished_at, report) VALUES (?, ?, ?, ?, ?)",
            arguments: [run.id, run.job, run.startedAt.timeIntervalSince1970, run.finishedAt.timeIntervalSince1970, run.report])
    }

    func runs(job: String) throws -> [RunRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM run WHERE job = ? ORDER BY started_at", arguments: [job]).map { row in
            RunRecord(
                id: row["id"], job: row["job"], startedAt: Date(timeIntervalSince1970: row["started_at"]),
                finishedAt: Date(timeIntervalSince1970: row["finished_at"]), report: row["report"])
        }
    }

    func lastDue(schedule: String) throws -> Date? {
        let value = try Double.fetchOne(db, sql: "SELECT last_due FROM schedule_state WHERE name = ?", arguments: [schedule])
        return value.map(Date.init(timeIntervalSince1970:))
    }

    func recordScheduled(schedule: String, due: Date, startedAt: Date, finishedAt: Date?) throws {
        try db.execute(
            sql: "INSERT OR REPLACE INTO schedule_state (name, last_due, started_at, finished_at) VALUES (?, ?, ?, ?)",
            arguments: [schedule, due.timeIntervalSince1970, startedAt.timeIntervalSince1970, finishedAt?.timeIntervalSince1970])
    }

    static func date(_ iso: String) -> CalendarDate? {
        let parts = iso.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return CalendarDate(year: parts[0], month: parts[1], day: parts[2])
    }
}
