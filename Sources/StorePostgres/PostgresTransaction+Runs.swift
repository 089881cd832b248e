import Foundation
import KetenpoortCore
import Store

/// Runs, their findings, schedules and the DUO extracts recorded, on PostgreSQL.
extension PostgresTransaction {
    func quarantine(_ entry: QuarantineEntry) throws {
        try query(
            "INSERT INTO quarantine (run, source, position, field, rule, message) VALUES ($1, $2, $3, $4, $5, $6)",
            [entry.run, entry.source, entry.position, entry.field, entry.rule, entry.message])
    }

    func quarantined(run: RunID) throws -> [QuarantineEntry] {
        try query("SELECT * FROM quarantine WHERE run = $1 ORDER BY seq", [run]).map { row in
            QuarantineEntry(
                run: try row["run"], source: try row["source"], position: try row["position"], field: try row["field"], rule: try row["rule"],
                message: try row["message"])
        }
    }

    func recordRun(_ run: RunRecord) throws {
        try query(
            """
            INSERT INTO run (id, job, started_at, finished_at, report) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (id) DO UPDATE SET job = excluded.job, started_at = excluded.started_at, finished_at = excluded.finished_at,
                report = excluded.report
            """,
            [run.id, run.job, run.startedAt, run.finishedAt, run.report])
    }

    func runs(job: String) throws -> [RunRecord] {
        try query("SELECT * FROM run WHERE job = $1 ORDER BY started_at", [job]).map { row in
            RunRecord(
                id: try row["id"], job: try row["job"], startedAt: try row["started_at"], finishedAt: try row["finished_at"],
                report: try row["report"])
        }
    }

    func lastDue(schedule: String) throws -> Date? {
        try query("SELECT last_due FROM schedule_state WHERE name = $1", [schedule]).first { try $0["last_due"] as Date }
    }

    func recordScheduled(schedule: String, due: Date, startedAt: Date, finishedAt: Date?) throws {
        try query(
            """
            INSERT INTO schedule_state (name, last_due, started_at, finished_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (name) DO UPDATE SET last_due = excluded.last_due, started_at = excluded.started_at, finished_at = excluded.finished_at
            """,
            [schedule, due, startedAt, finishedAt])
    }

    func isDuoExtractRecorded(sequence: Int) throws -> Bool {
        try !query("SELECT 1 FROM duo_extract_recorded WHERE sequence = $1", [sequence]).isEmpty
    }

    func markDuoExtractRecorded(_ mark: DuoExtractMark) throws {
        try query(
            "INSERT INTO duo_extract_recorded (sequence, creation_date, file_name, sha256, records, applied_at) VALUES ($1, $2, $3, $4, $5, $6)",
            [mark.sequence, mark.creationDate, mark.fileName, mark.sha256, mark.records, mark.appliedAt])
    }

    func cbsDeliveries(source: String, period: String) throws -> [CbsDeliveryRecord] {
        try query("SELECT * FROM cbs_delivery WHERE source = $1 AND period = $2 ORDER BY correction", [source, period]).map(Self.cbsDelivery)
    }

    func cbsDeliveries() throws -> [CbsDeliveryRecord] {
        try query("SELECT * FROM cbs_delivery ORDER BY created_at, correction").map(Self.cbsDelivery)
    }

    func recordCbsDelivery(_ delivery: CbsDeliveryRecord) throws {
        try query(
            """
            INSERT INTO cbs_delivery (source, period, correction, csv_batch, manifest_batch, extract_sequence, extract_date, records, sha256, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """,
            [
                delivery.source, delivery.period, delivery.correction, delivery.csvBatch, delivery.manifestBatch, delivery.extractSequence,
                delivery.extractDate, delivery.records, delivery.sha256, delivery.createdAt,
            ])
    }

    static func cbsDelivery(_ row: PostgresRow) throws -> CbsDeliveryRecord {
        CbsDeliveryRecord(
            source: try row["source"], period: try row["period"], correction: try row["correction"], csvBatch: try row["csv_batch"],
            manifestBatch: try row["manifest_batch"], extractSequence: try row["extract_sequence"], extractDate: try row["extract_date"],
            records: try row["records"], sha256: try row["sha256"], createdAt: try row["created_at"])
    }
}
