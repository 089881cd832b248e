import GRDB

extension SQLiteStore {
    /// Versioned schema changes; a migration, once released, is never edited — add the next one.
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-nightly-sync") { db in
            try db.execute(
                sql: """
                    CREATE TABLE snapshot (
                        source TEXT PRIMARY KEY, date TEXT NOT NULL, run TEXT NOT NULL, accepted_at REAL NOT NULL, items INTEGER NOT NULL);
                    CREATE TABLE sent (
                        gemeente TEXT NOT NULL, person TEXT NOT NULL, bsn TEXT, vnummer TEXT, content_hash TEXT NOT NULL,
                        housed INTEGER NOT NULL, last_run TEXT NOT NULL, PRIMARY KEY (gemeente, person));
                    CREATE INDEX sent_person ON sent(person);
                    CREATE INDEX sent_last_run ON sent(last_run);
                    CREATE TABLE staged (
                        run TEXT NOT NULL, gemeente TEXT NOT NULL, sequence INTEGER NOT NULL, soort TEXT NOT NULL, fragment BLOB NOT NULL,
                        person TEXT NOT NULL, bsn TEXT, vnummer TEXT, content_hash TEXT, housed INTEGER, PRIMARY KEY (run, gemeente, sequence));
                    CREATE TABLE batch (
                        id TEXT PRIMARY KEY, recipient TEXT NOT NULL, recipient_oin TEXT NOT NULL, contract TEXT NOT NULL,
                        content_type TEXT NOT NULL, created_at REAL NOT NULL, record_count INTEGER NOT NULL, merkle_root TEXT NOT NULL,
                        record_hashes TEXT NOT NULL, payload BLOB NOT NULL, signature TEXT NOT NULL, status TEXT NOT NULL,
                        attempts INTEGER NOT NULL, next_attempt_at REAL, last_error TEXT);
                    CREATE INDEX batch_status ON batch(status, next_attempt_at);
                    CREATE TABLE attempt (
                        batch TEXT NOT NULL REFERENCES batch(id), at REAL NOT NULL, http_status INTEGER, error TEXT, receipt BLOB);
                    CREATE INDEX attempt_batch ON attempt(batch);
                    CREATE TABLE quarantine (
                        run TEXT NOT NULL, source TEXT NOT NULL, position TEXT NOT NULL, field TEXT, rule TEXT NOT NULL, message TEXT NOT NULL);
                    CREATE INDEX quarantine_run ON quarantine(run);
                    CREATE TABLE incident (
                        id TEXT PRIMARY KEY, kind TEXT NOT NULL, detected_at REAL NOT NULL, recipient TEXT NOT NULL, batch TEXT,
                        subjects TEXT NOT NULL, categories TEXT NOT NULL, left_gateway INTEGER NOT NULL, details TEXT NOT NULL);
                    CREATE TABLE run (
                        id TEXT PRIMARY KEY, job TEXT NOT NULL, started_at REAL NOT NULL, finished_at REAL NOT NULL, report TEXT NOT NULL);
                    """)
        }
        migrator.registerMigration("v2-schedules") { db in
            try db.execute(
                sql: """
                    CREATE TABLE schedule_state (
                        name TEXT PRIMARY KEY, last_due REAL NOT NULL, started_at REAL NOT NULL, finished_at REAL);
                    """)
        }
        return migrator
    }()
}
