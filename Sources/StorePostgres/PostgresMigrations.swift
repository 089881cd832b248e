import Foundation
import KetenpoortCore

/// Applies `PostgresSchema.migrations` as the owner role: all missing versions in one transaction,
/// under a transaction-scoped advisory lock, so nodes started together migrate once.
public enum PostgresMigrations {
    /// The version this build of the gateway runs on.
    public static var latest: Int { PostgresSchema.migrations.map(\.version).max() ?? 0 }

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
                    GRANT SELECT ON schema_version TO ketenpoort_gateway;
                    """)
            let current =
                try connection.query("SELECT coalesce(max(version), 0) AS version FROM schema_version").first { try $0["version"] as Int } ?? 0
            var applied: [Int] = []
            for migration in PostgresSchema.migrations where migration.version > current {
                try connection.execute(script: migration.sql)
                try connection.query("INSERT INTO schema_version (version) VALUES ($1)", [migration.version])
                applied.append(migration.version)
            }
            try connection.execute(script: "COMMIT")
            return applied
        } catch {
            try? connection.execute(script: "ROLLBACK")
            throw error
        }
    }

    /// Throws `store.unavailable` unless the database is at the version this gateway runs on.
    static func check(_ connection: PostgresConnection) throws {
        let version = try? connection.query("SELECT coalesce(max(version), 0) AS version FROM schema_version").first { try $0["version"] as Int }
        guard let version, version == latest else {
            throw KetenpoortError(
                .storeUnavailable,
                "the PostgreSQL schema is at version \(version ?? 0), this gateway runs on version \(latest): run `ketenpoort store migrate` as the owner role"
            )
        }
    }
}
