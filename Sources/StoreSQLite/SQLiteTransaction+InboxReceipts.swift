import Foundation
import GRDB
import KetenpoortCore
import Store

extension SQLiteTransaction: InboxReceiptTransaction {
    func inboxReceipt(contract: String, key: String) throws -> InboxReceiptRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM inbox_receipt WHERE contract = ? AND key = ?", arguments: [contract, key]).map { row in
            InboxReceiptRecord(
                contract: row["contract"], key: row["key"], sha256: row["sha256"], body: row["body"], signature: row["signature"],
                node: row["node"], recordedAt: Date(timeIntervalSince1970: row["recorded_at"]))
        }
    }

    func recordInboxReceipt(_ receipt: InboxReceiptRecord) throws {
        try db.execute(
            sql: "INSERT INTO inbox_receipt (contract, key, sha256, body, signature, node, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            arguments: [
                receipt.contract, receipt.key, receipt.sha256, receipt.body, receipt.signature, receipt.node,
                receipt.recordedAt.timeIntervalSince1970,
            ])
    }
}
