import GRDB
import Store

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
        migrator.registerMigration("v3-incidents-audit") { db in
            // Incidents gain severity and a record count, and their status workflow as appended
            // events; incidents recorded before this version start `open`. Triggers make the
            // register and the audit chain append-only.
            try db.execute(
                sql: """
                    ALTER TABLE incident ADD COLUMN severity TEXT NOT NULL DEFAULT 'low';
                    ALTER TABLE incident ADD COLUMN record_count INTEGER NOT NULL DEFAULT 0;
                    UPDATE incident SET severity = 'high' WHERE left_gateway = 1;
                    UPDATE incident SET record_count = length(subjects) - length(replace(subjects, ',', '')) + 1 WHERE subjects <> '';
                    CREATE TABLE incident_event (
                        incident TEXT NOT NULL REFERENCES incident(id), sequence INTEGER NOT NULL, at REAL NOT NULL, status TEXT NOT NULL,
                        reason TEXT, PRIMARY KEY (incident, sequence));
                    INSERT INTO incident_event (incident, sequence, at, status) SELECT id, 1, detected_at, 'open' FROM incident;
                    CREATE TABLE incident_attempts (
                        incident TEXT PRIMARY KEY REFERENCES incident(id), attempts INTEGER NOT NULL, last_at REAL NOT NULL);
                    CREATE TABLE audit_entry (
                        seq INTEGER PRIMARY KEY, time TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL,
                        hash TEXT NOT NULL);
                    CREATE INDEX audit_entry_kind ON audit_entry(kind);
                    CREATE TABLE audit_checkpoint (seq INTEGER PRIMARY KEY, hash TEXT NOT NULL, time TEXT NOT NULL, jws TEXT NOT NULL);
                    """)
            for table in ["incident", "incident_event", "audit_entry", "audit_checkpoint"] {
                for operation in ["UPDATE", "DELETE"] {
                    try db.execute(
                        sql: """
                            CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table)
                            BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;
                            """)
                }
            }
        }
        migrator.registerMigration("v4-duo-status") { db in
            // The status store: one row per person DUO reported in the last applied extract, and
            // every applied extract (sequence baseline, peildatum, file hash); the CBS deliveries
            // made from it (a period once, then corrections).
            try db.execute(
                sql: """
                    CREATE TABLE duo_status (
                        bsn TEXT PRIMARY KEY, regime TEXT NOT NULL, doelgroep TEXT NOT NULL, plicht_start TEXT, termijn_einde TEXT,
                        status TEXT NOT NULL, statusdatum TEXT, leerroute TEXT, leerroute_start TEXT, pip_datum TEXT, pip_in_azc INTEGER,
                        taalniveau TEXT, aantal_boetes INTEGER NOT NULL, invordering_gepauzeerd INTEGER NOT NULL, gemeente TEXT,
                        geslacht TEXT NOT NULL, geboortedatum TEXT NOT NULL, land_herkomst TEXT NOT NULL, werkend INTEGER,
                        vervolgonderwijs INTEGER) WITHOUT ROWID;
                    CREATE TABLE duo_extract (
                        sequence INTEGER PRIMARY KEY, creation_date TEXT NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL,
                        records INTEGER NOT NULL, applied_at REAL NOT NULL);
                    CREATE TABLE cbs_delivery (
                        source TEXT NOT NULL, period TEXT NOT NULL, correction INTEGER NOT NULL, csv_batch TEXT NOT NULL,
                        manifest_batch TEXT NOT NULL, extract_sequence INTEGER NOT NULL, extract_date TEXT NOT NULL, records INTEGER NOT NULL,
                        sha256 TEXT NOT NULL, created_at REAL NOT NULL, PRIMARY KEY (source, period, correction));
                    """)
        }
        migrator.registerMigration("v5-consent") { db in
            // The consent register keeps every version of every consent (proof of consent, AVG art. 7
            // lid 1) and the decision log every decision: both append-only. Held advices change status.
            try db.execute(
                sql: """
                    CREATE TABLE consent_version (
                        id TEXT NOT NULL, version INTEGER NOT NULL, bsn TEXT NOT NULL, purpose TEXT NOT NULL, recipient TEXT NOT NULL,
                        given_at REAL NOT NULL, valid_until REAL, withdrawn_at REAL, channel TEXT, received_at REAL NOT NULL,
                        PRIMARY KEY (id, version));
                    CREATE INDEX consent_version_bsn ON consent_version(bsn);
                    CREATE INDEX consent_version_purpose ON consent_version(purpose);
                    CREATE TABLE consent_decision (
                        seq INTEGER PRIMARY KEY, at REAL NOT NULL, allowed INTEGER NOT NULL, subject TEXT NOT NULL, purpose TEXT NOT NULL,
                        recipient TEXT NOT NULL, consent TEXT, flow TEXT NOT NULL, reference TEXT NOT NULL);
                    CREATE INDEX consent_decision_reference ON consent_decision(reference);
                    CREATE TABLE advice (
                        id TEXT PRIMARY KEY, bsn TEXT NOT NULL, content BLOB NOT NULL, received_at REAL NOT NULL, status TEXT NOT NULL,
                        batch TEXT);
                    CREATE INDEX advice_status ON advice(status, received_at);
                    """)
            try makeAppendOnly(["consent_version", "consent_decision"], in: db)
        }
        migrator.registerMigration("v6-processing-log") { db in
            // The processing log (Logboek dataverwerkingen): one row per data subject per
            // processing, append-only. Rows go in in time order and nothing else is indexed: an
            // API answer then writes a page or two at the log's end, where an index on the
            // (random) pseudonym would dirty a random page per entry — a subject access request
            // (`inzage`) scans instead.
            try db.execute(
                sql: """
                    CREATE TABLE processing_log (
                        trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, activity TEXT NOT NULL,
                        caller_oin TEXT NOT NULL, purpose TEXT NOT NULL, case_number TEXT, subject TEXT NOT NULL, outcome TEXT NOT NULL,
                        at REAL NOT NULL);
                    CREATE TRIGGER processing_log_no_update BEFORE UPDATE ON processing_log
                    BEGIN SELECT RAISE(ABORT, 'processing_log is append-only'); END;
                    CREATE TRIGGER processing_log_no_delete BEFORE DELETE ON processing_log
                    BEGIN SELECT RAISE(ABORT, 'processing_log is append-only'); END;
                    """)
        }
        migrator.registerMigration("v7-batch-payload-parts") { db in
            // A batch's payload moves to its own table, in parts of at most 1 MiB, so a batch of any
            // size is written and read (delivered, exported) a part at a time: memory no longer
            // grows with a delivery of the whole population to CBS.
            // Existing payloads are cut into parts of 1 MiB (an empty one keeps one empty part); the
            // old column's pages are zeroed as they are freed.
            try db.execute(
                sql: """
                    PRAGMA secure_delete = ON;
                    CREATE TABLE batch_payload (
                        batch TEXT NOT NULL, part INTEGER NOT NULL, bytes BLOB NOT NULL, PRIMARY KEY (batch, part));
                    WITH RECURSIVE parts(n) AS (
                        SELECT 0 UNION ALL SELECT n + 1 FROM parts WHERE (n + 1) * 1048576 < (SELECT max(length(payload)) FROM batch))
                    INSERT INTO batch_payload (batch, part, bytes)
                    SELECT batch.id, parts.n, coalesce(substr(batch.payload, parts.n * 1048576 + 1, 1048576), x'')
                    FROM batch JOIN parts ON parts.n * 1048576 < max(length(batch.payload), 1);
                    ALTER TABLE batch ADD COLUMN payload_bytes INTEGER NOT NULL DEFAULT 0;
                    UPDATE batch SET payload_bytes = length(payload);
                    ALTER TABLE batch DROP COLUMN payload;
                    PRAGMA secure_delete = OFF;
                    """)
        }
        migrator.registerMigration("v8-staged-sync") { db in
            // The nightly sync applies its night in short transactions (a few batches each) and merges
            // the snapshot with the sent state instead of marking every person it saw: the table of
            // staged notifications and the index on the last run go; a run under way is marked so
            // that a crash is finished later. The processing log moves to a file of its own
            // (SQLiteProcessingLog copies the rows; the old table stays, append-only).
            try db.execute(
                sql: """
                    DROP TABLE staged;
                    DROP INDEX sent_last_run;
                    CREATE TABLE sync_run (run TEXT PRIMARY KEY, job TEXT NOT NULL, started_at REAL NOT NULL, report TEXT);
                    CREATE TABLE sync_run_batch (run TEXT NOT NULL, batch TEXT NOT NULL, blocked INTEGER NOT NULL, PRIMARY KEY (run, batch));
                    """)
        }
        migrator.registerMigration("v9-sent-without-person-index") { db in
            // The sent state is written per municipality batch but was indexed by person too: each
            // batch's rows landed on pages all over that index, so a night rewrote most of it in
            // every short transaction. The merge now sorts the sent state by person as it reads it.
            try db.execute(sql: "DROP INDEX sent_person")
        }
        migrator.registerMigration("v10-claims-leases") { db in
            // What several gateways on one store need: claims on due batches (a table of their own,
            // so the batch rows are not rewritten by every claim and renewal) and named leases with
            // a fencing epoch.
            try db.execute(
                sql: """
                    CREATE TABLE batch_claim (batch TEXT PRIMARY KEY, holder TEXT NOT NULL, until REAL NOT NULL);
                    CREATE TABLE lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch INTEGER NOT NULL, expires_at REAL NOT NULL);
                    """)
        }
        migrator.registerMigration("v11-inbox-receipts") { db in
            // The inbox's receipts, shared by every process on the store (they were files in a
            // node's own folder: a partner delivering again to another node was answered anew).
            try db.execute(
                sql: """
                    CREATE TABLE inbox_receipt (
                        contract TEXT NOT NULL, key TEXT NOT NULL, sha256 TEXT NOT NULL, body BLOB NOT NULL, signature TEXT NOT NULL,
                        node TEXT NOT NULL, recorded_at REAL NOT NULL, PRIMARY KEY (contract, key));
                    """)
            try makeAppendOnly(["inbox_receipt"], in: db)
        }
        return migrator
    }()

    /// Triggers that refuse UPDATE and DELETE on `tables` (as v3 made them for the incident register).
    static func makeAppendOnly(_ tables: [String], in db: Database) throws {
        for table in tables {
            for operation in ["UPDATE", "DELETE"] {
                try db.execute(
                    sql:
                        "CREATE TRIGGER \(table)_no_\(operation.lowercased()) BEFORE \(operation) ON \(table) BEGIN SELECT RAISE(ABORT, '\(table) is append-only'); END;"
                )
            }
        }
    }
}
