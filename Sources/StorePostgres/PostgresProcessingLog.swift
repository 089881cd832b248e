import Foundation
import KetenpoortCore
import Store

/// The processing log on PostgreSQL, appended on the store's real-time connections (never behind
/// batch work) and keyed per node: each node's entries are `(node, seq)`, so nodes appending at
/// once do not contend on one index page. Read back across nodes in time order.
final class PostgresProcessingLog: ProcessingLog {
    private let engine: PostgresEngine
    private let node: String

    init(engine: PostgresEngine, node: String) {
        self.engine = engine
        self.node = node
    }

    func append(_ entries: [ProcessingLogEntry]) throws {
        guard !entries.isEmpty else { return }
        let node = node
        try engine.transaction { connection in
            // One statement for the group: a row of parameters per entry.
            var values: [String] = []
            var parameters: [any PostgresEncodable] = []
            for entry in entries {
                let base = parameters.count
                values.append("(" + (1...11).map { "$\(base + $0)" }.joined(separator: ", ") + ")")
                parameters += [
                    node, entry.traceID, entry.spanID, entry.parentSpanID, entry.activity, entry.callerOIN, entry.purpose, entry.caseNumber,
                    entry.subject, entry.outcome, entry.at,
                ]
            }
            try connection.query(
                """
                INSERT INTO processing_log (node, trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at)
                SELECT v.node, v.trace_id, v.span_id, v.parent_span_id, v.activity, v.caller_oin, v.purpose, v.case_number, v.subject, v.outcome,
                       v.at::timestamptz
                FROM (VALUES \(values.joined(separator: ", "))) AS v (node, trace_id, span_id, parent_span_id, activity, caller_oin, purpose,
                      case_number, subject, outcome, at)
                """,
                parameters)
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
