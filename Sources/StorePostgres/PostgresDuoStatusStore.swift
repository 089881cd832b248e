import Foundation
import KetenpoortCore
import Store

/// The DUO status store on PostgreSQL: read on the real-time connections (the IND's answers),
/// written by the ingest on the store's own. Readers see the previous extract until the ingest's
/// one transaction commits.
final class PostgresDuoStatusStore: DuoStatusStore, LoggedAnswerReading {
    private let reads: PostgresEngine
    private let writes: PostgresEngine
    private let answers: GroupedAnswerReads

    init(reads: PostgresEngine, writes: PostgresEngine, node: String) {
        self.reads = reads
        self.writes = writes
        answers = GroupedAnswerReads(engine: reads, node: node)
    }

    func read<T>(_ body: (any DuoStatusReading) throws -> T) throws -> T {
        try reads.transaction(readOnly: true) { try body(PostgresDuoStatusTransaction(connection: $0)) }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (any DuoStatusReading) throws -> T) async throws -> T {
        try await reads.transaction(readOnly: true) { try body(PostgresDuoStatusTransaction(connection: $0)) }
    }

    /// One statement for the answers waiting together (`GroupedAnswerReads`), one round trip.
    func answerRead(bsns: [String]) async throws -> DuoStatusAnswerRead {
        try await answers.read(bsns: bsns, logging: [])
    }

    /// The same statement also commits the answers' log entries.
    func answerRead(bsns: [String], logging entries: [LoggedAnswerEntry]) async throws -> DuoStatusAnswerRead {
        try await answers.read(bsns: bsns, logging: entries)
    }

    /// One write at a time, across every node: an extract is checked against the last one applied
    /// (its sequence follows it), so an ingest begun while another node's is open waits for it and
    /// then reads what it committed — rather than the state before it, taking its own extract for a
    /// gap. A transaction-scoped lock (released at commit or rollback, also behind PgBouncer); the
    /// IND's reads never take it.
    func write<T>(_ body: (any DuoStatusWriting) throws -> T) throws -> T {
        try writes.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock(hashtext('ketenpoort-duo-status'))")
            return try body(PostgresDuoStatusTransaction(connection: connection))
        }
    }
}

/// The status store's operations on one open transaction.
struct PostgresDuoStatusTransaction: DuoStatusWriting {
    let connection: PostgresConnection

    static let columns = [
        "bsn", "regime", "doelgroep", "plicht_start", "termijn_einde", "status", "statusdatum", "leerroute", "leerroute_start", "pip_datum",
        "pip_in_azc", "taalniveau", "aantal_boetes", "invordering_gepauzeerd", "gemeente", "geslacht", "geboortedatum", "land_herkomst",
        "werkend", "vervolgonderwijs",
    ]
    static let columnList = columns.joined(separator: ", ")
    static let extractColumns = "sequence, creation_date, file_name, sha256, records, applied_at"

    func lastDuoExtract() throws -> DuoExtractMark? {
        try connection.query("SELECT \(Self.extractColumns) FROM duo_extract ORDER BY sequence DESC LIMIT 1").first(Self.extract)
    }

    func duoStatus(bsn: String) throws -> DuoStatus? {
        try connection.query("SELECT \(Self.columnList) FROM duo_status WHERE bsn = $1", [bsn]).first(Self.status)
    }

    func forEachDuoStatus(_ body: (DuoStatus) throws -> Void) throws {
        try connection.forEachRow("SELECT \(Self.columnList) FROM duo_status ORDER BY bsn") { try body(try Self.status($0)) }
    }

    func duoStatusCount() throws -> Int {
        try connection.query("SELECT count(*) AS n FROM duo_status").first { try $0["n"] as Int } ?? 0
    }

    func duoExtract(sha256: String) throws -> DuoExtractMark? {
        try connection.query("SELECT \(Self.extractColumns) FROM duo_extract WHERE sha256 = $1 ORDER BY sequence DESC LIMIT 1", [sha256]).first(
            Self.extract)
    }

    func duoExtractReport(sequence: Int) throws -> String? {
        try connection.query("SELECT report FROM duo_extract WHERE sequence = $1", [sequence]).first { try $0["report"] as String? } ?? nil
    }

    func beginDuoExtract() throws {
        try connection.execute(script: "CREATE TEMP TABLE IF NOT EXISTS duo_seen (bsn TEXT PRIMARY KEY) ON COMMIT DROP; DELETE FROM duo_seen")
    }

    /// The columns' array types, for `unnest`.
    static let arrayTypes: [String: String] = [
        "pip_in_azc": "boolean[]", "aantal_boetes": "integer[]", "invordering_gepauzeerd": "boolean[]", "werkend": "boolean[]",
        "vervolgonderwijs": "boolean[]",
    ]

    /// Inserts a group of persons, or updates one only when a value differs, and marks them all as
    /// present in the extract — one statement. `xmax = 0` tells an inserted row from an updated one;
    /// an unchanged person returns no row.
    static let upsert: String = {
        let values = columns.dropFirst()
        let arrays = columns.enumerated().map { "$\($0.offset + 1)::\(arrayTypes[$0.element] ?? "text[]")" }
        return """
            WITH incoming AS (SELECT * FROM unnest(\(arrays.joined(separator: ", "))) AS i(\(columnList))),
            seen AS (INSERT INTO duo_seen (bsn) SELECT bsn FROM incoming ON CONFLICT DO NOTHING),
            written AS (
                INSERT INTO duo_status AS current (\(columnList)) SELECT \(columnList) FROM incoming
                ON CONFLICT (bsn) DO UPDATE SET \(values.map { "\($0) = excluded.\($0)" }.joined(separator: ", "))
                WHERE (\(values.map { "current.\($0)" }.joined(separator: ", "))) IS DISTINCT FROM (\(values.map { "excluded.\($0)" }.joined(separator: ", ")))
                RETURNING (xmax = 0) AS inserted)
            SELECT count(*) FILTER (WHERE inserted) AS inserted, count(*) FILTER (WHERE NOT inserted) AS changed FROM written
            """
    }()

    func putDuoStatuses(_ statuses: [DuoStatus]) throws -> DuoStatusChanges {
        // An upsert may not touch a row twice: a BSN that repeats starts the next statement.
        var changes = DuoStatusChanges()
        var group: [DuoStatus] = []
        var bsns = Set<String>()
        func write() throws {
            guard !group.isEmpty else { return }
            let written = try connection.query(Self.upsert, Self.arrays(group)).first { row in (try row["inserted"] as Int, try row["changed"] as Int)
            }
            let (inserted, changed) = written ?? (0, 0)
            changes.inserted += inserted
            changes.changed += changed
            changes.unchanged += group.count - inserted - changed
            group.removeAll(keepingCapacity: true)
            bsns.removeAll(keepingCapacity: true)
        }
        for status in statuses {
            if !bsns.insert(status.bsn).inserted {
                try write()
                bsns.insert(status.bsn)
            }
            group.append(status)
        }
        try write()
        return changes
    }

    /// The parameters of `upsert` for `group`: one array per column.
    static func arrays(_ group: [DuoStatus]) -> [any PostgresEncodable] {
        func flag(_ value: Bool?) -> String { value.map { $0 ? "t" : "f" } ?? "NULL" }
        return [
            PostgresArray.text(group.map(\.bsn)), PostgresArray.text(group.map(\.regime)), PostgresArray.text(group.map(\.doelgroep)),
            PostgresArray.text(group.map(\.plichtStart)), PostgresArray.text(group.map(\.termijnEinde)), PostgresArray.text(group.map(\.status)),
            PostgresArray.text(group.map(\.statusdatum)), PostgresArray.text(group.map(\.leerroute)), PostgresArray.text(group.map(\.leerrouteStart)),
            PostgresArray.text(group.map(\.pipDatum)), PostgresArray.literal(group.map { flag($0.pipInAzc) }),
            PostgresArray.text(group.map(\.taalniveau)),
            PostgresArray.literal(group.map { String($0.aantalBoetes) }), PostgresArray.literal(group.map { flag($0.invorderingGepauzeerd) }),
            PostgresArray.text(group.map(\.gemeente)), PostgresArray.text(group.map(\.geslacht)), PostgresArray.text(group.map(\.geboortedatum)),
            PostgresArray.text(group.map(\.landHerkomst)), PostgresArray.literal(group.map { flag($0.werkend) }),
            PostgresArray.literal(group.map { flag($0.vervolgonderwijs) }),
        ]
    }

    func keepDuoStatus(bsn: String) throws -> Bool {
        try connection.query("INSERT INTO duo_seen (bsn) VALUES ($1) ON CONFLICT DO NOTHING", [bsn])
        return try !connection.query("SELECT 1 FROM duo_status WHERE bsn = $1", [bsn]).isEmpty
    }

    func removeDuoStatusNotInExtract() throws -> Int {
        let removed = try connection.query("DELETE FROM duo_status WHERE NOT EXISTS (SELECT 1 FROM duo_seen WHERE duo_seen.bsn = duo_status.bsn)")
        try connection.query("DELETE FROM duo_seen")
        return removed.affected
    }

    func recordDuoExtract(_ mark: DuoExtractMark, report: String) throws {
        try connection.query(
            "INSERT INTO duo_extract (sequence, creation_date, file_name, sha256, records, applied_at, report) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            [mark.sequence, mark.creationDate, mark.fileName, mark.sha256, mark.records, mark.appliedAt, report])
    }

    static func extract(_ row: PostgresRow) throws -> DuoExtractMark {
        DuoExtractMark(
            sequence: try row["sequence"], creationDate: try row["creation_date"], fileName: try row["file_name"], sha256: try row["sha256"],
            records: try row["records"], appliedAt: try row["applied_at"])
    }

    static func status(_ row: PostgresRow) throws -> DuoStatus {
        DuoStatus(
            bsn: try row["bsn"], regime: try row["regime"], doelgroep: try row["doelgroep"], plichtStart: try row["plicht_start"],
            termijnEinde: try row["termijn_einde"], status: try row["status"], statusdatum: try row["statusdatum"], leerroute: try row["leerroute"],
            leerrouteStart: try row["leerroute_start"], pipDatum: try row["pip_datum"], pipInAzc: try row["pip_in_azc"],
            taalniveau: try row["taalniveau"], aantalBoetes: try row["aantal_boetes"], invorderingGepauzeerd: try row["invordering_gepauzeerd"],
            gemeente: try row["gemeente"], geslacht: try row["geslacht"], geboortedatum: try row["geboortedatum"],
            landHerkomst: try row["land_herkomst"], werkend: try row["werkend"], vervolgonderwijs: try row["vervolgonderwijs"])
    }
}
