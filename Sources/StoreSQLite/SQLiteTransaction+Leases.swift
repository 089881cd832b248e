import Foundation
import GRDB
import KetenpoortCore
import Store

/// Named leases, serialised by SQLite's one writer.
extension SQLiteTransaction {
    func acquireLease(_ name: String, holder: String, for duration: TimeInterval) throws -> Lease? {
        let now = clock.now()
        let expiresAt = now.addingTimeInterval(duration)
        let current = try lease(name)
        let epoch: Int
        switch current {
        case let live? where live.expiresAt > now:
            // A live lease: another's is not taken, one's own is renewed under its epoch.
            guard live.holder == holder else { return nil }
            epoch = live.epoch
        case let ended?: epoch = ended.epoch + 1
        case nil: epoch = 1
        }
        let lease = Lease(name: name, holder: holder, epoch: epoch, expiresAt: expiresAt)
        try db.execute(
            sql: "INSERT OR REPLACE INTO lease (name, holder, epoch, expires_at) VALUES (?, ?, ?, ?)",
            arguments: [lease.name, lease.holder, lease.epoch, lease.expiresAt.timeIntervalSince1970])
        return lease
    }

    func extendLease(_ lease: Lease, for duration: TimeInterval) throws -> Bool {
        let now = clock.now()
        try db.execute(
            sql: "UPDATE lease SET expires_at = ? WHERE name = ? AND holder = ? AND epoch = ? AND expires_at > ?",
            arguments: [now.addingTimeInterval(duration).timeIntervalSince1970, lease.name, lease.holder, lease.epoch, now.timeIntervalSince1970])
        return db.changesCount > 0
    }

    func releaseLease(_ lease: Lease) throws {
        try db.execute(
            sql: "UPDATE lease SET expires_at = ? WHERE name = ? AND holder = ? AND epoch = ?",
            arguments: [clock.now().timeIntervalSince1970, lease.name, lease.holder, lease.epoch])
    }

    func checkFence(_ lease: Lease) throws {
        guard let current = try self.lease(lease.name), current.holder == lease.holder, current.epoch == lease.epoch,
            current.expiresAt > clock.now()
        else {
            throw KetenpoortError(.storeLeaseLost, "the lease \(lease.name) (epoch \(lease.epoch)) is no longer held; the write is refused")
        }
    }

    func lease(_ name: String) throws -> Lease? {
        try Row.fetchOne(db, sql: "SELECT * FROM lease WHERE name = ?", arguments: [name]).map { row in
            Lease(name: row["name"], holder: row["holder"], epoch: row["epoch"], expiresAt: Date(timeIntervalSince1970: row["expires_at"]))
        }
    }
}
