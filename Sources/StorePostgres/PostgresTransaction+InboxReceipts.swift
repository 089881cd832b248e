import Foundation
import KetenpoortCore
import Store

extension PostgresTransaction: InboxReceiptTransaction {
    func inboxReceipt(contract: String, key: String) throws -> InboxReceiptRecord? {
        try query("SELECT * FROM inbox_receipt WHERE contract = $1 AND key = $2", [contract, key]).first { row in
            InboxReceiptRecord(
                contract: try row["contract"], key: try row["key"], sha256: try row["sha256"], body: try row["body"],
                signature: try row["signature"], node: try row["node"], recordedAt: try row["recorded_at"])
        }
    }

    func recordInboxReceipt(_ receipt: InboxReceiptRecord) throws {
        try query(
            "INSERT INTO inbox_receipt (contract, key, sha256, body, signature, node, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [receipt.contract, receipt.key, receipt.sha256, receipt.body, receipt.signature, receipt.node, receipt.recordedAt])
    }
}
