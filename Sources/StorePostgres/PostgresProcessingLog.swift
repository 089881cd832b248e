import Foundation
import KetenpoortCore
import Store

/// The processing log on PostgreSQL, appended on a connection of its own (never behind batch
/// work) and keyed per node: each node's entries are `(node, seq)`, so nodes appending at once do
/// not contend on one index page. Read back across nodes in time order.
///
/// The append runs on its caller's thread — the grouped writer's own — so a group commit costs no
/// handing over to another thread and back. `@unchecked Sendable`: `connection` is used only while
/// `lock` is held.
final class PostgresProcessingLog: ProcessingLog, @unchecked Sendable {
    private let connection: PostgresConnection
    private let lock = NSLock()
    /// For reading the log back (subject access): the store's own connections.
    private let engine: PostgresEngine
    private let node: String

    init(connection: PostgresConnection, engine: PostgresEngine, node: String) {
        self.connection = connection
        self.engine = engine
        self.node = node
    }

    func append(_ entries: [ProcessingLogEntry]) throws {
        guard !entries.isEmpty else { return }
        let node = node
        // One statement, committed as it ends: atomic for the whole group, one round trip, and
        // the same text whatever the group's size (prepared once per connection).
        try lock.withLock {
            try connection.statement(isIdempotent: false) { connection in
                try connection.query(
                    """
                    INSERT INTO processing_log (node, trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at)
                    SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
                        $10::text[], $11::timestamptz[])
                    """,
                    [
                        node, PostgresArray.text(entries.map(\.traceID)), PostgresArray.text(entries.map(\.spanID)),
                        PostgresArray.text(entries.map(\.parentSpanID)), PostgresArray.text(entries.map(\.activity)),
                        PostgresArray.text(entries.map(\.callerOIN)), PostgresArray.text(entries.map(\.purpose)),
                        PostgresArray.text(entries.map(\.caseNumber)), PostgresArray.text(entries.map(\.subject)),
                        PostgresArray.text(entries.map(\.outcome)), PostgresArray.text(entries.map { PostgresTime.text($0.at) }),
                    ], prepare: true)
            }
        }
    }

    func checkWritable() throws {
        let (mayInsert, standby) = try lock.withLock {
            try connection.statement(isIdempotent: true) { connection in
                try connection.query(
                    "SELECT has_table_privilege(current_user, 'processing_log', 'INSERT') AS may_insert, pg_is_in_recovery() AS standby"
                ).first { (try $0["may_insert"] as Bool, try $0["standby"] as Bool) } ?? (false, true)
            }
        }
        guard mayInsert, !standby else {
            throw KetenpoortError(
                .storeUnavailable,
                mayInsert ? "PostgreSQL is a standby: it takes no writes" : "the gateway role may not insert into the processing log")
        }
    }

    func processings(subject: String) throws -> [ProcessingLogEntry] {
        try engine.transaction(readOnly: true) { try Self.processings(subject: subject, on: $0) }
    }

    func processings(subject: String) async throws -> [ProcessingLogEntry] {
        try await engine.transaction(readOnly: true) { try Self.processings(subject: subject, on: $0) }
    }

    private static func processings(subject: String, on connection: PostgresConnection) throws -> [ProcessingLogEntry] {
        try connection.query("SELECT * FROM processing_log WHERE subject = $1 ORDER BY at, node, seq", [subject]).map { row in
            ProcessingLogEntry(
                traceID: try row["trace_id"], spanID: try row["span_id"], parentSpanID: try row["parent_span_id"], activity: try row["activity"],
                callerOIN: try row["caller_oin"], purpose: try row["purpose"], caseNumber: try row["case_number"], subject: try row["subject"],
                outcome: try row["outcome"], at: try row["at"])
        }
    }
}
