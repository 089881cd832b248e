import Foundation
import KetenpoortCore
import Store

/// Named leases with a fencing epoch on PostgreSQL, timed by the database's clock.
extension PostgresTransaction {
    /// One statement: a lease nobody holds (or that ended) is taken under the next epoch; one's own
    /// live lease is renewed under its epoch; another's live lease is left alone (nil).
    func acquireLease(_ name: String, holder: String, for duration: TimeInterval) throws -> Lease? {
        try query(
            """
            WITH moment AS (SELECT \(Self.nowSQL(1)) AS now)
            INSERT INTO lease AS current (name, holder, epoch, expires_at)
            SELECT $2, $3, 1, moment.now + make_interval(secs => $4::float8) FROM moment
            ON CONFLICT (name) DO UPDATE SET
                holder = excluded.holder,
                epoch = CASE WHEN current.holder = excluded.holder AND current.expires_at > (SELECT now FROM moment)
                             THEN current.epoch ELSE current.epoch + 1 END,
                expires_at = excluded.expires_at
            WHERE current.expires_at <= (SELECT now FROM moment) OR current.holder = excluded.holder
            RETURNING name, holder, epoch, expires_at
            """,
            [now, name, holder, String(duration)]
        ).first(Self.lease)
    }

    /// Sets only `expires_at`, no key column: it takes the row's no-key update lock, which the
    /// fence's key-share lock lets through (a takeover changes the epoch, a key column since v4, and
    /// waits for the fence).
    func extendLease(_ lease: Lease, for duration: TimeInterval) throws -> Bool {
        try !query(
            """
            UPDATE lease SET expires_at = \(Self.nowSQL(1)) + make_interval(secs => $5::float8)
            WHERE name = $2 AND holder = $3 AND epoch = $4 AND expires_at > \(Self.nowSQL(1))
            RETURNING 1
            """,
            [now, lease.name, lease.holder, lease.epoch, String(duration)]
        ).isEmpty
    }

    func releaseLease(_ lease: Lease) throws {
        try query(
            "UPDATE lease SET expires_at = \(Self.nowSQL(1)) WHERE name = $2 AND holder = $3 AND epoch = $4",
            [now, lease.name, lease.holder, lease.epoch])
    }

    /// Key-share-locks the lease row: until this transaction ends, no other node can take the lease
    /// (a new holding changes the epoch, a key column), so what the transaction writes under it
    /// commits while it is still held; the holder's renewals and its release (which change no key)
    /// do not wait for it. A share lock would hold renewals too, and back-to-back fenced commits
    /// under load can keep one waiting until the lease has run out.
    func checkFence(_ lease: Lease) throws {
        let held = try query(
            "SELECT 1 FROM lease WHERE name = $2 AND holder = $3 AND epoch = $4 AND expires_at > \(Self.nowSQL(1)) FOR KEY SHARE",
            [now, lease.name, lease.holder, lease.epoch])
        guard !held.isEmpty else {
            throw KetenpoortError(.storeLeaseLost, "the lease \(lease.name) (epoch \(lease.epoch)) is no longer held; the write is refused")
        }
    }

    func lease(_ name: String) throws -> Lease? {
        try query("SELECT * FROM lease WHERE name = $1", [name]).first(Self.lease)
    }

    static func lease(_ row: PostgresRow) throws -> Lease {
        Lease(name: try row["name"], holder: try row["holder"], epoch: try row["epoch"], expiresAt: try row["expires_at"])
    }
}
