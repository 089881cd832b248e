import Foundation
import KetenpoortCore
import Store

/// The IND's answers, gathered: the questions that arrive while the real-time threads are busy are
/// read together — and their processing-log entries committed — in one statement, when a thread is
/// free. Under load each answer costs the database a fraction of a statement and of a commit;
/// alone, an answer is read at once. A statement sees one snapshot, so every answer in a group
/// comes from one extract, and its log entries say what was read.
///
/// `@unchecked Sendable`: `waiting` and `isScheduled` are only touched while `lock` is held.
final class GroupedAnswerReads: @unchecked Sendable {
    private struct Waiting {
        let bsns: [String]
        let entries: [LoggedAnswerEntry]
        let done: CheckedContinuation<DuoStatusAnswerRead, any Error>
    }

    private let engine: PostgresEngine
    /// This node's name, the processing log's key with the entry's sequence number.
    private let node: String
    private let lock = NSLock()
    private var waiting: [Waiting] = []
    /// Whether a statement for the waiting questions is queued and not yet started.
    private var isScheduled = false

    init(engine: PostgresEngine, node: String) {
        self.engine = engine
        self.node = node
    }

    /// The statuses of `bsns` and the last extract; `entries` committed with the read (see `LoggedAnswerReading`).
    func read(bsns: [String], logging entries: [LoggedAnswerEntry]) async throws -> DuoStatusAnswerRead {
        try await withCheckedThrowingContinuation { done in
            let schedule = lock.withLock {
                waiting.append(Waiting(bsns: bsns, entries: entries, done: done))
                defer { isScheduled = true }
                return !isScheduled
            }
            guard schedule else { return }
            engine.submit { [self] connection in
                let group = lock.withLock {
                    isScheduled = false
                    defer { waiting = [] }
                    return waiting
                }
                let outcome = Result { try self.read(group, on: connection) }
                for question in group { question.done.resume(with: outcome.map { $0.answer(question.bsns) }) }
            }
        }
    }

    /// What one statement read: the last extract and the statuses known.
    private struct GroupRead {
        let extract: DuoExtractMark?
        let statuses: [String: DuoStatus]

        func answer(_ bsns: [String]) -> DuoStatusAnswerRead {
            DuoStatusAnswerRead(extract: extract, statuses: bsns.map { statuses[$0] })
        }
    }

    private func read(_ group: [Waiting], on connection: PostgresConnection) throws -> GroupRead {
        let bsns = Array(Set(group.flatMap(\.bsns)))
        let entries = group.flatMap(\.entries)
        // Only reads (no entries) may be sent again when the connection was lost on the way; with
        // entries, never (the first may have committed).
        let rows = try connection.statement(isIdempotent: entries.isEmpty) { connection in
            // A plain read needs no right to insert: the read alone.
            guard !entries.isEmpty else { return try connection.query(Self.readQuery, [PostgresArray.text(bsns)], prepare: true) }
            return try connection.query(
                Self.query,
                [
                    PostgresArray.text(bsns), node, PostgresArray.text(entries.map(\.bsn)), PostgresArray.text(entries.map(\.entry.traceID)),
                    PostgresArray.text(entries.map(\.entry.spanID)), PostgresArray.text(entries.map(\.entry.parentSpanID)),
                    PostgresArray.text(entries.map(\.entry.activity)), PostgresArray.text(entries.map(\.entry.callerOIN)),
                    PostgresArray.text(entries.map(\.entry.purpose)), PostgresArray.text(entries.map(\.entry.caseNumber)),
                    PostgresArray.text(entries.map(\.entry.subject)), PostgresArray.text(entries.map { PostgresTime.text($0.entry.at) }),
                ], prepare: true)
        }
        var extract: DuoExtractMark?
        var statuses: [String: DuoStatus] = [:]
        for index in 0..<rows.count {
            let row = rows[index]
            if extract == nil { extract = try PostgresDuoStatusTransaction.extract(row) }
            if try row["bsn"] as String? != nil {
                let status = try PostgresDuoStatusTransaction.status(row)
                statuses[status.bsn] = status
            }
        }
        return GroupRead(extract: extract, statuses: statuses)
    }

    /// The last extract (no row before the first) with each status asked (a row of NULLs when none is known).
    static let readQuery = """
        WITH e AS (SELECT \(PostgresDuoStatusTransaction.extractColumns) FROM duo_extract ORDER BY sequence DESC LIMIT 1),
        found AS (SELECT \(PostgresDuoStatusTransaction.columnList) FROM duo_status WHERE bsn = ANY($1::text[]))
        SELECT e.*, found.* FROM e LEFT JOIN found ON true
        """

    /// `readQuery`, and — when there is an extract — the log entries inserted with their outcome,
    /// all in one statement (one snapshot, committed as it ends).
    static let query = """
        WITH e AS (SELECT \(PostgresDuoStatusTransaction.extractColumns) FROM duo_extract ORDER BY sequence DESC LIMIT 1),
        found AS (SELECT \(PostgresDuoStatusTransaction.columnList) FROM duo_status WHERE bsn = ANY($1::text[])),
        logged AS (
            INSERT INTO processing_log (node, trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at)
            SELECT $2, l.trace_id, l.span_id, l.parent_span_id, l.activity, l.caller_oin, l.purpose, l.case_number, l.subject,
                CASE WHEN EXISTS (SELECT 1 FROM found WHERE found.bsn = l.bsn) THEN '\(LoggedAnswerEntry.known)' ELSE '\(LoggedAnswerEntry.unknown)' END,
                l.at
            FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[],
                $12::timestamptz[]) AS l (bsn, trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, at)
            WHERE EXISTS (SELECT 1 FROM e))
        SELECT e.*, found.* FROM e LEFT JOIN found ON true
        """
}
