import Foundation
import KetenpoortCore

/// What jobs did: their runs and findings, the schedules' last due times, and the DUO extracts
/// whose record is kept here.
public protocol RunTransaction {
    // Findings and runs.
    /// Records one item a run quarantined.
    func quarantine(_ entry: QuarantineEntry) throws
    /// The items `run` quarantined, in the order they were recorded.
    func quarantined(run: RunID) throws -> [QuarantineEntry]
    /// Records a finished run with its report; a record with the same id is replaced.
    func recordRun(_ run: RunRecord) throws
    /// The runs of `job`, earliest started first.
    func runs(job: String) throws -> [RunRecord]

    // Schedules.
    /// The last due time a schedule ran for, if it ever ran.
    func lastDue(schedule: String) throws -> Date?
    /// Records that `schedule` ran for `due` (started at `startedAt`).
    func recordScheduled(schedule: String, due: Date, startedAt: Date, finishedAt: Date?) throws

    // DUO extracts applied to the status store (`Store.duoStatus`), which commits apart.
    /// Whether the applied extract `sequence` has its record here: findings, run and audit entry.
    func isDuoExtractRecorded(sequence: Int) throws -> Bool
    /// Notes that the applied extract `mark` has its record here, in the transaction that writes it.
    func markDuoExtractRecorded(_ mark: DuoExtractMark) throws
}
