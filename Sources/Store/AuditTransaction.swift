import Foundation
import KetenpoortCore

/// The audit chain: append-only.
public protocol AuditTransaction {
    /// Appends the entry `next` makes from the chain's head (nil while the chain is empty). The
    /// engine serialises appends: `next` sees the head no other writer can extend meanwhile, and
    /// an entry that does not extend it (seq + 1, the head's hash as `prevHash`) is refused
    /// (`storeAuditFork`). Returns the appended entry.
    @discardableResult
    func appendAuditEntry(_ next: (_ head: AuditEntry?) throws -> AuditEntry) throws -> AuditEntry
    /// The chain's last entry.
    func lastAuditEntry() throws -> AuditEntry?
    /// The entry numbered `seq`, if the chain has it.
    func auditEntry(seq: Int) throws -> AuditEntry?
    /// The seq of the entry whose hash is `hash`, if any.
    func auditSeq(hash: String) throws -> Int?
    /// Calls `body` for the entries from `seq` on (through `last`, when given), in seq order.
    func forEachAuditEntry(from seq: Int, through last: Int?, _ body: (AuditEntry) throws -> Void) throws
    /// The entries of `kind` whose payload has `field` equal to `value`, in seq order.
    func auditEntries(kind: String, field: String, equals value: String) throws -> [AuditEntry]
    /// Stores `checkpoint`; a second one for the same seq is an error, and none is ever changed.
    func insertCheckpoint(_ checkpoint: AuditCheckpoint) throws
    /// Every checkpoint, in seq order.
    func checkpoints() throws -> [AuditCheckpoint]
    /// The checkpoint with the highest seq; nil before the first.
    func lastCheckpoint() throws -> AuditCheckpoint?
}
