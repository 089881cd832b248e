import Foundation
import GRDB

extension SQLiteTransaction: ProcessingLogTransaction {
    func appendProcessings(_ entries: [ProcessingLogEntry]) throws {
        let insert = try db.cachedStatement(
            sql: """
                INSERT INTO processing_log (trace_id, span_id, parent_span_id, activity, caller_oin, purpose, case_number, subject, outcome, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for entry in entries {
            try insert.execute(arguments: [
                entry.traceID, entry.spanID, entry.parentSpanID, entry.activity, entry.callerOIN, entry.purpose, entry.caseNumber, entry.subject,
                entry.outcome, entry.at.timeIntervalSince1970,
            ])
        }
    }

    func processings(subject: String) throws -> [ProcessingLogEntry] {
        try Row.fetchAll(db, sql: "SELECT * FROM processing_log WHERE subject = ? ORDER BY rowid", arguments: [subject]).map { row in
            ProcessingLogEntry(
                traceID: row["trace_id"], spanID: row["span_id"], parentSpanID: row["parent_span_id"], activity: row["activity"],
                callerOIN: row["caller_oin"], purpose: row["purpose"], caseNumber: row["case_number"], subject: row["subject"],
                outcome: row["outcome"], at: Date(timeIntervalSince1970: row["at"]))
        }
    }
}
