import Foundation
import GRDB
import KetenpoortCore
import Store

/// The audit chain on SQLite: entries and checkpoints are only ever inserted.
extension SQLiteTransaction {
    /// Serialised by SQLite's one writer: the head read here cannot move before the insert commits.
    func appendAuditEntry(_ next: (_ head: AuditEntry?) throws -> AuditEntry) throws -> AuditEntry {
        let head = try lastAuditEntry()
        let entry = try next(head)
        guard entry.seq == (head?.seq ?? 0) + 1, entry.prevHash == (head?.hash ?? AuditEntry.genesis) else {
            throw KetenpoortError(.storeAuditFork, "audit entry \(entry.seq) does not extend the chain's head (\(head?.seq ?? 0))")
        }
        try db.cachedStatement(sql: "INSERT INTO audit_entry (seq, time, kind, payload, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)")
            .execute(arguments: [entry.seq, entry.time, entry.kind, entry.payload, entry.prevHash, entry.hash])
        return entry
    }

    func lastAuditEntry() throws -> AuditEntry? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1")).map(Self.auditEntry)
    }

    func auditEntry(seq: Int) throws -> AuditEntry? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_entry WHERE seq = ?", arguments: [seq]).map(Self.auditEntry)
    }

    func auditSeq(hash: String) throws -> Int? {
        try Int.fetchOne(db, sql: "SELECT seq FROM audit_entry WHERE hash = ? ORDER BY seq LIMIT 1", arguments: [hash])
    }

    func forEachAuditEntry(from seq: Int, through last: Int?, _ body: (AuditEntry) throws -> Void) throws {
        let rows = try Row.fetchCursor(
            db, sql: "SELECT * FROM audit_entry WHERE seq >= ? AND seq <= ? ORDER BY seq", arguments: [seq, last ?? Int.max])
        while let row = try rows.next() { try body(Self.auditEntry(row)) }
    }

    func auditEntries(kind: String, field: String, equals value: String) throws -> [AuditEntry] {
        try Row.fetchAll(
            db, sql: "SELECT * FROM audit_entry WHERE kind = ? AND json_extract(payload, ?) = ? ORDER BY seq",
            arguments: [kind, "$." + field, value]
        ).map(Self.auditEntry)
    }

    func insertCheckpoint(_ checkpoint: AuditCheckpoint) throws {
        try db.execute(
            sql: "INSERT INTO audit_checkpoint (seq, hash, time, jws) VALUES (?, ?, ?, ?)",
            arguments: [checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.jws])
    }

    func checkpoints() throws -> [AuditCheckpoint] {
        try Row.fetchAll(db, sql: "SELECT * FROM audit_checkpoint ORDER BY seq").map(Self.checkpoint)
    }

    func lastCheckpoint() throws -> AuditCheckpoint? {
        try Row.fetchOne(db, sql: "SELECT * FROM audit_checkpoint ORDER BY seq DESC LIMIT 1").map(Self.checkpoint)
    }

    static func checkpoint(_ row: Row) -> AuditCheckpoint {
        AuditCheckpoint(seq: row["seq"], hash: row["hash"], time: row["time"], jws: row["jws"])
    }

    static func auditEntry(_ row: Row) -> AuditEntry {
        AuditEntry(seq: row["seq"], time: row["time"], kind: row["kind"], payload: row["payload"], prevHash: row["prev_hash"], hash: row["hash"])
    }
}
