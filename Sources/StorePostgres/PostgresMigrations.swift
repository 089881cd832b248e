import Foundation
import KetenpoortCore

/// Applies `PostgresSchema.migrations` as the owner role: all missing versions in one transaction,
/// under a transaction-scoped advisory lock, so nodes started together migrate once.
public enum PostgresMigrations {
    /// The version this build of the gateway runs on.
    public static var latest: Int { PostgresSchema.migrations.map(\.version).max() ?? 0 }

    /// The oldest schema version whose gateways keep running on `latest`: nodes of an older release
    /// at or past it may run beside this one while the nodes are upgraded one at a time.
    public static var compatibleFrom: Int { PostgresSchema.migrations.map(\.compatibleFrom).max() ?? 0 }

    /// Brings the database `conninfo` connects to (as its owner role) to `latest`; returns the
    /// versions it applied (none when it was there already).
    @discardableResult
    public static func migrate(ownerConninfo conninfo: String, password: String? = nil) throws -> [Int] {
        let connection = try PostgresConnection(conninfo: conninfo, password: password)
        try connection.execute(script: "BEGIN")
        do {
            try connection.query("SELECT pg_advisory_xact_lock(hashtext('ketenpoort-migrate'))")
            try connection.execute(
                script: """
                    CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now());
                    ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS compatible_from INTEGER;
                    GRANT SELECT ON schema_version TO ketenpoort_gateway;
                    """)
            let current =
                try connection.query("SELECT coalesce(max(version), 0) AS version FROM schema_version").first { try $0["version"] as Int } ?? 0
            var applied: [Int] = []
            for migration in PostgresSchema.migrations where migration.version > current {
                try connection.execute(script: migration.sql)
                applied.append(migration.version)
            }
            // Every version this build knows, with what runs on it; rows an older build wrote get
            // theirs, so an older node can tell whether it may run on the schema (`check`).
            for migration in PostgresSchema.migrations {
                try connection.query(
                    """
                    INSERT INTO schema_version (version, compatible_from) VALUES ($1, $2)
                    ON CONFLICT (version) DO UPDATE SET compatible_from = excluded.compatible_from WHERE schema_version.compatible_from IS NULL
                    """, [migration.version, migration.compatibleFrom])
            }
            try connection.execute(script: "COMMIT")
            return applied
        } catch {
            try? connection.execute(script: "ROLLBACK")
            throw error
        }
    }

    /// Throws `store.unavailable` unless this gateway may run on the database's schema: at its own
    /// version, or at a later one whose migrations all keep gateways of this version running (a
    /// rolling upgrade: the schema is migrated first, then the nodes are replaced one at a time).
    static func check(_ connection: PostgresConnection) throws {
        let version = try? connection.query("SELECT coalesce(max(version), 0) AS version FROM schema_version").first { try $0["version"] as Int }
        guard let version, version >= latest else {
            throw KetenpoortError(
                .storeUnavailable,
                "the PostgreSQL schema is at version \(version ?? 0), this gateway runs on version \(latest): run `ketenpoort store migrate` as the owner role"
            )
        }
        guard version > latest else { return }
        // A version without its compatibility (written by a build that did not record it) counts
        // as running only gateways of its own version.
        let needed = try? connection.query(
            "SELECT coalesce(max(coalesce(compatible_from, version)), 0) AS needed FROM schema_version WHERE version > $1", [latest]
        ).first { try $0["needed"] as Int }
        guard let needed, needed <= latest else {
            throw KetenpoortError(
                .storeUnavailable,
                "the PostgreSQL schema is at version \(version), which gateways of schema version \(needed.map(String.init) ?? "\(version)") or later run on; "
                    + "this gateway runs on version \(latest): upgrade this node to the release that migrated the schema"
            )
        }
    }
}
