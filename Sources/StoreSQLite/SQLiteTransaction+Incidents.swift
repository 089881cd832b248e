import Foundation
import GRDB
import KetenpoortCore
import Store

/// The incident register on SQLite: rows are only ever inserted (triggers refuse the rest),
/// except the attempt counter of aggregated incidents.
extension SQLiteTransaction {
    func recordIncident(_ incident: IncidentRecord) throws {
        try db.execute(
            sql: """
                INSERT INTO incident (id, kind, detected_at, recipient, batch, subjects, categories, left_gateway, details, severity, record_count)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                incident.id, incident.kind.rawValue, incident.detectedAt.timeIntervalSince1970, incident.recipient, incident.batch,
                incident.subjects.joined(separator: ","), incident.categories.map(\.rawValue).joined(separator: ","), incident.leftGateway,
                incident.details, incident.severity.rawValue, incident.recordCount,
            ])
    }

    func incident(id: String) throws -> IncidentRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ?", arguments: [id]).map(Self.incident)
    }

    func incidents() throws -> [IncidentRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM incident ORDER BY detected_at, id").map(Self.incident)
    }

    func appendIncidentEvent(_ event: IncidentEvent) throws {
        try db.execute(
            sql: "INSERT INTO incident_event (incident, sequence, at, status, reason) VALUES (?, ?, ?, ?, ?)",
            arguments: [event.incident, event.sequence, event.at.timeIntervalSince1970, event.status.rawValue, event.reason])
    }

    func incidentEvents(incident: String) throws -> [IncidentEvent] {
        try Row.fetchAll(db, sql: "SELECT * FROM incident_event WHERE incident = ? ORDER BY sequence", arguments: [incident]).map { row in
            IncidentEvent(
                incident: row["incident"], sequence: row["sequence"], at: Date(timeIntervalSince1970: row["at"]),
                status: IncidentStatus(rawValue: row["status"]) ?? .open, reason: row["reason"])
        }
    }

    func countAttempt(incident: String, at: Date) throws -> Int {
        try db.execute(
            sql: """
                INSERT INTO incident_attempts (incident, attempts, last_at) VALUES (?, 1, ?)
                ON CONFLICT(incident) DO UPDATE SET attempts = attempts + 1, last_at = excluded.last_at
                """,
            arguments: [incident, at.timeIntervalSince1970])
        return try attempts(incident: incident)
    }

    func attempts(incident: String) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT attempts FROM incident_attempts WHERE incident = ?", arguments: [incident]) ?? 0
    }

    static func incident(_ row: Row) -> IncidentRecord {
        func list(_ column: String) -> [String] {
            let text: String = row[column]
            return text.isEmpty ? [] : text.split(separator: ",").map(String.init)
        }
        return IncidentRecord(
            id: row["id"], kind: IncidentKind(rawValue: row["kind"]) ?? .misroute, detectedAt: Date(timeIntervalSince1970: row["detected_at"]),
            recipient: row["recipient"], batch: row["batch"], subjects: list("subjects"),
            categories: list("categories").compactMap(DataCategory.init),
            leftGateway: row["left_gateway"], severity: IncidentSeverity(rawValue: row["severity"]) ?? .high, recordCount: row["record_count"],
            details: row["details"])
    }
}
