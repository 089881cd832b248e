/// The schema of the PostgreSQL engine as versioned migrations, applied in order by
/// `PostgresMigrations` as the owner role (`ketenpoort_owner`); the gateway role
/// (`ketenpoort_gateway`) gets no UPDATE or DELETE on what is append-only. A migration, once
/// released, is never edited: add the next one. `deploy/postgres/` makes the roles and the database.
enum PostgresSchema {
    /// Version 1. Times are `timestamptz` (the engine passes UTC instants to the microsecond),
    /// payloads `bytea`, flags `boolean`.
    static let v1 = #"""
        -- The nightly sync.
        CREATE TABLE snapshot (source TEXT PRIMARY KEY, date DATE NOT NULL, run TEXT NOT NULL, accepted_at timestamptz NOT NULL, items INTEGER NOT NULL);
        CREATE TABLE sent (
            gemeente TEXT NOT NULL, person TEXT NOT NULL, bsn TEXT, vnummer TEXT, content_hash TEXT NOT NULL, housed BOOLEAN NOT NULL,
            last_run TEXT NOT NULL, PRIMARY KEY (gemeente, person));
        CREATE INDEX sent_bsn ON sent (bsn);
        CREATE TABLE sync_run (run TEXT PRIMARY KEY, job TEXT NOT NULL, started_at timestamptz NOT NULL, report TEXT);
        CREATE TABLE sync_run_batch (seq BIGSERIAL PRIMARY KEY, run TEXT NOT NULL, batch TEXT NOT NULL, blocked BOOLEAN NOT NULL, UNIQUE (run, batch));

        -- The outbox: the hot table holds no payload; payload parts and claims live apart, so the rows a
        -- delivery worker scans stay small and a claim or its renewal does not rewrite the batch.
        CREATE TABLE batch (
            id TEXT PRIMARY KEY, recipient TEXT NOT NULL, recipient_oin TEXT NOT NULL, contract TEXT NOT NULL, content_type TEXT NOT NULL,
            created_at timestamptz NOT NULL, record_count INTEGER NOT NULL, merkle_root TEXT NOT NULL, record_hashes TEXT NOT NULL,
            signature TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, next_attempt_at timestamptz, last_error TEXT,
            payload_bytes BIGINT NOT NULL);
        -- Only pending rows are indexed for the delivery worker: delivered batches leave the hot index.
        CREATE INDEX batch_due ON batch (next_attempt_at, created_at, id) WHERE status = 'pending';
        CREATE INDEX batch_status ON batch (status, created_at);
        CREATE TABLE batch_payload (batch TEXT NOT NULL, part INTEGER NOT NULL, bytes BYTEA NOT NULL, PRIMARY KEY (batch, part));
        CREATE TABLE batch_claim (batch TEXT PRIMARY KEY, holder TEXT NOT NULL, until timestamptz NOT NULL);
        CREATE TABLE attempt (batch TEXT NOT NULL REFERENCES batch (id), at timestamptz NOT NULL, http_status INTEGER, error TEXT, receipt BYTEA);
        CREATE INDEX attempt_batch ON attempt (batch);

        -- Runs, findings, schedules, leases.
        CREATE TABLE quarantine (seq BIGSERIAL PRIMARY KEY, run TEXT NOT NULL, source TEXT NOT NULL, position TEXT NOT NULL, field TEXT, rule TEXT NOT NULL, message TEXT NOT NULL);
        CREATE INDEX quarantine_run ON quarantine (run);
        CREATE TABLE run (id TEXT PRIMARY KEY, job TEXT NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz NOT NULL, report TEXT NOT NULL);
        CREATE TABLE schedule_state (name TEXT PRIMARY KEY, last_due timestamptz NOT NULL, started_at timestamptz NOT NULL, finished_at timestamptz);
        CREATE TABLE lease (name TEXT PRIMARY KEY, holder TEXT NOT NULL, epoch BIGINT NOT NULL, expires_at timestamptz NOT NULL);
        CREATE TABLE duo_extract_recorded (
            sequence INTEGER PRIMARY KEY, creation_date DATE NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL,
            applied_at timestamptz NOT NULL);
        CREATE TABLE cbs_delivery (
            source TEXT NOT NULL, period TEXT NOT NULL, correction INTEGER NOT NULL, csv_batch TEXT NOT NULL, manifest_batch TEXT NOT NULL,
            extract_sequence INTEGER NOT NULL, extract_date DATE NOT NULL, records INTEGER NOT NULL, sha256 TEXT NOT NULL,
            created_at timestamptz NOT NULL, PRIMARY KEY (source, period, correction));

        -- The incident register: append-only.
        CREATE TABLE incident (
            id TEXT PRIMARY KEY, kind TEXT NOT NULL, detected_at timestamptz NOT NULL, recipient TEXT NOT NULL, batch TEXT, subjects TEXT NOT NULL,
            categories TEXT NOT NULL, left_gateway BOOLEAN NOT NULL, details TEXT NOT NULL, severity TEXT NOT NULL, record_count INTEGER NOT NULL);
        CREATE TABLE incident_event (
            incident TEXT NOT NULL REFERENCES incident (id), sequence INTEGER NOT NULL, at timestamptz NOT NULL, status TEXT NOT NULL, reason TEXT,
            PRIMARY KEY (incident, sequence));
        -- Counted attempts of an aggregated incident change: not append-only.
        CREATE TABLE incident_attempts (incident TEXT PRIMARY KEY REFERENCES incident (id), attempts INTEGER NOT NULL, last_at timestamptz NOT NULL);

        -- The audit chain: append-only, one chain. Appends lock the head row (FOR UPDATE) in their own
        -- short transaction, so two nodes never extend the same head (no session advisory lock: it breaks
        -- behind PgBouncer in transaction mode).
        CREATE TABLE audit_entry (
            seq BIGINT PRIMARY KEY, time TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
        CREATE INDEX audit_entry_kind ON audit_entry (kind);
        CREATE TABLE audit_head (only_row BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (only_row), seq BIGINT NOT NULL, hash TEXT NOT NULL);
        INSERT INTO audit_head (seq, hash) VALUES (0, repeat('0', 64));
        CREATE TABLE audit_checkpoint (seq BIGINT PRIMARY KEY, hash TEXT NOT NULL, time TEXT NOT NULL, jws TEXT NOT NULL);

        -- The consent register, its decision log (both append-only) and the advices held.
        CREATE TABLE consent_version (
            id TEXT NOT NULL, version INTEGER NOT NULL, bsn TEXT NOT NULL, purpose TEXT NOT NULL, recipient TEXT NOT NULL, given_at timestamptz NOT NULL,
            valid_until timestamptz, withdrawn_at timestamptz, channel TEXT, received_at timestamptz NOT NULL, PRIMARY KEY (id, version));
        CREATE INDEX consent_version_bsn ON consent_version (bsn);
        CREATE INDEX consent_version_purpose ON consent_version (purpose);
        CREATE TABLE consent_decision (
            seq BIGSERIAL PRIMARY KEY, at timestamptz NOT NULL, allowed BOOLEAN NOT NULL, subject TEXT NOT NULL, purpose TEXT NOT NULL,
            recipient TEXT NOT NULL, consent TEXT, flow TEXT NOT NULL, reference TEXT NOT NULL);
        CREATE INDEX consent_decision_reference ON consent_decision (reference);
        CREATE INDEX consent_decision_subject ON consent_decision (subject);
        CREATE TABLE advice (id TEXT PRIMARY KEY, bsn TEXT, content BYTEA, received_at timestamptz NOT NULL, status TEXT NOT NULL, batch TEXT);
        CREATE INDEX advice_status ON advice (status, received_at);

        -- The processing log: append-only, grouped per node (each node's answers append to its own
        -- partition of the key space, so nodes do not contend on one index page).
        CREATE TABLE processing_log (
            node TEXT NOT NULL, seq BIGSERIAL, trace_id TEXT NOT NULL, span_id TEXT NOT NULL, parent_span_id TEXT, activity TEXT NOT NULL,
            caller_oin TEXT NOT NULL, purpose TEXT NOT NULL, case_number TEXT, subject TEXT NOT NULL, outcome TEXT NOT NULL, at timestamptz NOT NULL,
            PRIMARY KEY (node, seq));
        CREATE INDEX processing_log_subject ON processing_log (subject);

        -- The DUO status store: written only by the ingest, one extract per transaction.
        CREATE TABLE duo_status (
            bsn TEXT PRIMARY KEY, regime TEXT NOT NULL, doelgroep TEXT NOT NULL, plicht_start TEXT, termijn_einde TEXT, status TEXT NOT NULL,
            statusdatum TEXT, leerroute TEXT, leerroute_start TEXT, pip_datum TEXT, pip_in_azc BOOLEAN, taalniveau TEXT, aantal_boetes INTEGER NOT NULL,
            invordering_gepauzeerd BOOLEAN NOT NULL, gemeente TEXT, geslacht TEXT NOT NULL, geboortedatum TEXT NOT NULL, land_herkomst TEXT NOT NULL,
            werkend BOOLEAN, vervolgonderwijs BOOLEAN);
        CREATE TABLE duo_extract (
            sequence INTEGER PRIMARY KEY, creation_date DATE NOT NULL, file_name TEXT NOT NULL, sha256 TEXT NOT NULL, records INTEGER NOT NULL,
            applied_at timestamptz NOT NULL, report TEXT NOT NULL);

        -- Append-only, second line: triggers refuse UPDATE and DELETE whoever asks (the first line is
        -- that the gateway role has no such grant).
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$;
        DO $$
        DECLARE t TEXT;
        BEGIN
            FOREACH t IN ARRAY ARRAY['incident', 'incident_event', 'audit_entry', 'audit_checkpoint', 'consent_version', 'consent_decision', 'processing_log'] LOOP
                EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()', t || '_append_only', t);
            END LOOP;
        END $$;

        -- What the gateway role may do.
        GRANT SELECT, INSERT, UPDATE, DELETE ON snapshot, sent, sync_run, sync_run_batch, batch, batch_payload, batch_claim, attempt, quarantine, run,
            schedule_state, lease, duo_extract_recorded, cbs_delivery, incident_attempts, audit_head, advice, duo_status, duo_extract TO ketenpoort_gateway;
        GRANT SELECT, INSERT ON incident, incident_event, audit_entry, audit_checkpoint, consent_version, consent_decision, processing_log TO ketenpoort_gateway;
        GRANT USAGE ON SEQUENCE consent_decision_seq_seq, processing_log_seq_seq, sync_run_batch_seq_seq, quarantine_seq_seq TO ketenpoort_gateway;
        """#

    /// Payload parts compressed with LZ4 instead of PostgreSQL's own pglz: sealed XML compresses
    /// well either way, and LZ4 costs the database a fraction of pglz's CPU per byte. (The night's
    /// end-to-end time did not change measurably: the gateway's own CPU bounds it. Debian's
    /// PostgreSQL 15 is built with LZ4; rows written before keep their compression.)
    static let v2 = #"""
        ALTER TABLE batch_payload ALTER COLUMN bytes SET COMPRESSION lz4;
        """#

    /// The inbox's receipts, one per (contract, idempotency key), shared by every node: a partner
    /// delivering a file again to another node gets the first receipt back. Append-only.
    static let v3 = #"""
        CREATE TABLE inbox_receipt (
            contract TEXT NOT NULL, key TEXT NOT NULL, sha256 TEXT NOT NULL, body bytea NOT NULL, signature TEXT NOT NULL, node TEXT NOT NULL,
            recorded_at timestamptz NOT NULL, PRIMARY KEY (contract, key));
        CREATE TRIGGER inbox_receipt_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON inbox_receipt
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
        GRANT SELECT, INSERT ON inbox_receipt TO ketenpoort_gateway;
        """#

    /// A lease's epoch becomes a key column (a unique index), so the fence can take the row's
    /// key-share lock: a takeover (a new epoch) waits for the holder's fenced transactions, its
    /// renewals (the end moved, no key changed) do not. Nodes of v3 keep running beside it: their
    /// share-lock fences hold every other writer of the row, as before.
    static let v4 = #"""
        CREATE UNIQUE INDEX lease_holding ON lease (name, epoch);
        """#

    /// Every migration, by version, with the oldest schema version whose gateways keep running on
    /// the schema once it is applied (`compatibleFrom`): a migration that only adds what older nodes
    /// never touch, or changes how PostgreSQL stores a column, keeps the nodes of the version before
    /// it running, so the nodes can be upgraded one at a time after it (deploy/README.md: upgrades).
    /// v3 does not: every node must record and consult the shared inbox receipts, or a file delivered
    /// again to an older node would be applied twice.
    static let migrations: [(version: Int, compatibleFrom: Int, sql: String)] = [(1, 1, v1), (2, 1, v2), (3, 3, v3), (4, 3, v4)]
}
