import Foundation
import KetenpoortCore
import Store

/// The audit chain on PostgreSQL: entries and checkpoints only ever inserted; one chain for all
/// nodes, because each append locks the head row (`audit_head`) until its transaction ends.
extension PostgresTransaction {
    func appendAuditEntry(_ next: (_ head: AuditEntry?) throws -> AuditEntry) throws -> AuditEntry {
        let headSeq = try query("SELECT seq FROM audit_head FOR UPDATE").first { try $0["seq"] as Int } ?? 0
        let head = headSeq == 0 ? nil : try auditEntry(seq: headSeq)
        let entry = try next(head)
        guard entry.seq == (head?.seq ?? 0) + 1, entry.prevHash == (head?.hash ?? AuditEntry.genesis) else {
            throw KetenpoortError(.storeAuditFork, "audit entry \(entry.seq) does not extend the chain's head (\(head?.seq ?? 0))")
        }
        try query(
            "INSERT INTO audit_entry (seq, time, kind, payload, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6)",
            [entry.seq, entry.time, entry.kind, entry.payload, entry.prevHash, entry.hash])
        try query("UPDATE audit_head SET seq = $1, hash = $2", [entry.seq, entry.hash])
        return entry
    }

    func lastAuditEntry() throws -> AuditEntry? {
        try query("SELECT * FROM audit_entry ORDER BY seq DESC LIMIT 1").first(Self.auditEntry)
    }

    func auditEntry(seq: Int) throws -> AuditEntry? {
        try query("SELECT * FROM audit_entry WHERE seq = $1", [seq]).first(Self.auditEntry)
    }

    func auditSeq(hash: String) throws -> Int? {
        try query("SELECT seq FROM audit_entry WHERE hash = $1 ORDER BY seq LIMIT 1", [hash]).first { try $0["seq"] as Int }
    }

    func forEachAuditEntry(from seq: Int, through last: Int?, _ body: (AuditEntry) throws -> Void) throws {
        try forEachRow("SELECT * FROM audit_entry WHERE seq >= $1 AND seq <= $2 ORDER BY seq", [seq, last ?? Int.max]) {
            try body(try Self.auditEntry($0))
        }
    }

    func auditEntries(kind: String, field: String, equals value: String) throws -> [AuditEntry] {
        try query("SELECT * FROM audit_entry WHERE kind = $1 AND payload::jsonb ->> $2 = $3 ORDER BY seq", [kind, field, value]).map(Self.auditEntry)
    }

    func insertCheckpoint(_ checkpoint: AuditCheckpoint) throws {
        try query(
            "INSERT INTO audit_checkpoint (seq, hash, time, jws) VALUES ($1, $2, $3, $4)",
            [checkpoint.seq, checkpoint.hash, checkpoint.time, checkpoint.jws])
    }

    func checkpoints() throws -> [AuditCheckpoint] {
        try query("SELECT * FROM audit_checkpoint ORDER BY seq").map(Self.checkpoint)
    }

    func lastCheckpoint() throws -> AuditCheckpoint? {
        try query("SELECT * FROM audit_checkpoint ORDER BY seq DESC LIMIT 1").first(Self.checkpoint)
    }

    static func checkpoint(_ row: PostgresRow) throws -> AuditCheckpoint {
        AuditCheckpoint(seq: try row["seq"], hash: try row["hash"], time: try row["time"], jws: try row["jws"])
    }

    static func auditEntry(_ row: PostgresRow) throws -> AuditEntry {
        AuditEntry(
            seq: try row["seq"], time: try row["time"], kind: try row["kind"], payload: try row["payload"], prevHash: try row["prev_hash"],
            hash: try row["hash"])
    }
}
