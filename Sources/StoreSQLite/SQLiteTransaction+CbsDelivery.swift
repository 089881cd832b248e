import Foundation
import GRDB
import KetenpoortCore
import Store

extension SQLiteTransaction: CbsDeliveryTransaction {
    func cbsDeliveries(source: String, period: String) throws -> [CbsDeliveryRecord] {
        try cbsDeliveries(where: "source = ? AND period = ? ORDER BY correction", [source, period])
    }

    func cbsDeliveries() throws -> [CbsDeliveryRecord] {
        try cbsDeliveries(where: "1 ORDER BY created_at, correction", [])
    }

    private func cbsDeliveries(where condition: String, _ arguments: StatementArguments) throws -> [CbsDeliveryRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM cbs_delivery WHERE \(condition)", arguments: arguments).compactMap { row in
            guard let date = Self.date(row["extract_date"]) else { return nil }
            return CbsDeliveryRecord(
                source: row["source"], period: row["period"], correction: row["correction"], csvBatch: row["csv_batch"],
                manifestBatch: row["manifest_batch"], extractSequence: row["extract_sequence"], extractDate: date, records: row["records"],
                sha256: row["sha256"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
        }
    }

    func recordCbsDelivery(_ delivery: CbsDeliveryRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO cbs_delivery (source, period, correction, csv_batch, manifest_batch, extract_sequence, extract_date, records, sha256, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                delivery.source, delivery.period, delivery.correction, delivery.csvBatch, delivery.manifestBatch, delivery.extractSequence,
                delivery.extractDate.iso, delivery.records, delivery.sha256, delivery.createdAt.timeIntervalSince1970,
            ])
    }
}
