import Foundation
import KetenpoortCore
import Store

/// The nightly sync's state on PostgreSQL: snapshots accepted, what each municipality was sent,
/// and the syncs under way.
extension PostgresTransaction {
    func lastSnapshot(source: String) throws -> SnapshotMark? {
        try query("SELECT * FROM snapshot WHERE source = $1", [source]).first { row in
            SnapshotMark(
                source: try row["source"], date: try row["date"], run: try row["run"], acceptedAt: try row["accepted_at"], items: try row["items"])
        }
    }

    func acceptSnapshot(_ mark: SnapshotMark) throws {
        try query(
            """
            INSERT INTO snapshot (source, date, run, accepted_at, items) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (source) DO UPDATE SET date = excluded.date, run = excluded.run, accepted_at = excluded.accepted_at, items = excluded.items
            """,
            [mark.source, mark.date, mark.run, mark.acceptedAt, mark.items])
    }

    func sentStates(bsn: String) throws -> [SentState] {
        try flush()
        return try query("SELECT * FROM sent WHERE bsn = $1 ORDER BY gemeente", [bsn]).map(Self.sent)
    }

    /// Held back and written with the others (`PendingSentStates`).
    func putSent(_ state: SentState) throws {
        pendingSent.add(state)
    }

    func removeSent(gemeente: String, person: PersonKey) throws {
        try flush()
        try query("DELETE FROM sent WHERE gemeente = $1 AND person = $2", [gemeente, person.value])
    }

    func forEachSentByPerson(_ body: (SentState) throws -> Void) throws {
        try flush()
        try forEachRow("SELECT * FROM sent ORDER BY person, gemeente") { try body(try Self.sent($0)) }
    }

    static func sent(_ row: PostgresRow) throws -> SentState {
        SentState(
            gemeente: try row["gemeente"], person: PersonKey(value: try row["person"]), bsn: try row["bsn"], vnummer: try row["vnummer"],
            contentHash: try row["content_hash"], isHoused: try row["housed"], lastRun: try row["last_run"])
    }

    func syncRun(_ run: RunID) throws -> SyncRunMark? {
        try query("SELECT * FROM sync_run WHERE run = $1", [run]).first { row in
            SyncRunMark(run: try row["run"], job: try row["job"], startedAt: try row["started_at"], report: try row["report"])
        }
    }

    func beginSyncRun(_ mark: SyncRunMark) throws {
        try query(
            """
            INSERT INTO sync_run (run, job, started_at, report) VALUES ($1, $2, $3, $4)
            ON CONFLICT (run) DO UPDATE SET job = excluded.job, started_at = excluded.started_at, report = excluded.report
            """,
            [mark.run, mark.job, mark.startedAt, mark.report])
    }

    func recordSyncBatch(run: RunID, batch: BatchID, blocked: Bool) throws {
        try query("INSERT INTO sync_run_batch (run, batch, blocked) VALUES ($1, $2, $3)", [run, batch, blocked])
    }

    func syncBatches(run: RunID) throws -> [(batch: BatchID, blocked: Bool)] {
        try query("SELECT batch, blocked FROM sync_run_batch WHERE run = $1 ORDER BY seq", [run]).map { row in
            (try row["batch"] as BatchID, try row["blocked"] as Bool)
        }
    }

    func endSyncRuns(job: String) throws {
        try query("DELETE FROM sync_run_batch WHERE run IN (SELECT run FROM sync_run WHERE job = $1)", [job])
        try query("DELETE FROM sync_run WHERE job = $1", [job])
    }
}
