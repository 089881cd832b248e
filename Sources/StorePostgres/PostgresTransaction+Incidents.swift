import Foundation
import KetenpoortCore
import Store

/// The incident register on PostgreSQL: rows only ever inserted, except the attempt counter of
/// aggregated incidents.
extension PostgresTransaction {
    func recordIncident(_ incident: IncidentRecord) throws {
        try query(
            """
            INSERT INTO incident (id, kind, detected_at, recipient, batch, subjects, categories, left_gateway, details, severity, record_count)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
            """,
            [
                incident.id, incident.kind.rawValue, incident.detectedAt, incident.recipient, incident.batch,
                incident.subjects.joined(separator: ","),
                incident.categories.map(\.rawValue).joined(separator: ","), incident.leftGateway, incident.details, incident.severity.rawValue,
                incident.recordCount,
            ])
    }

    func incident(id: String) throws -> IncidentRecord? {
        try query("SELECT * FROM incident WHERE id = $1", [id]).first(Self.incident)
    }

    func incidents() throws -> [IncidentRecord] {
        try query("SELECT * FROM incident ORDER BY detected_at, id").map(Self.incident)
    }

    func appendIncidentEvent(_ event: IncidentEvent) throws {
        try query(
            "INSERT INTO incident_event (incident, sequence, at, status, reason) VALUES ($1, $2, $3, $4, $5)",
            [event.incident, event.sequence, event.at, event.status.rawValue, event.reason])
    }

    func incidentEvents(incident: String) throws -> [IncidentEvent] {
        try query("SELECT * FROM incident_event WHERE incident = $1 ORDER BY sequence", [incident]).map { row in
            IncidentEvent(
                incident: try row["incident"], sequence: try row["sequence"], at: try row["at"],
                status: IncidentStatus(rawValue: try row["status"]) ?? .open, reason: try row["reason"])
        }
    }

    func countAttempt(incident: String, at: Date) throws -> Int {
        try query(
            """
            INSERT INTO incident_attempts AS counted (incident, attempts, last_at) VALUES ($1, 1, $2)
            ON CONFLICT (incident) DO UPDATE SET attempts = counted.attempts + 1, last_at = excluded.last_at
            RETURNING attempts
            """,
            [incident, at]
        ).first { try $0["attempts"] as Int } ?? 0
    }

    func attempts(incident: String) throws -> Int {
        try query("SELECT attempts FROM incident_attempts WHERE incident = $1", [incident]).first { try $0["attempts"] as Int } ?? 0
    }

    static func incident(_ row: PostgresRow) throws -> IncidentRecord {
        func list(_ column: String) throws -> [String] {
            let text: String = try row[column]
            return text.isEmpty ? [] : text.split(separator: ",").map(String.init)
        }
        return IncidentRecord(
            id: try row["id"], kind: IncidentKind(rawValue: try row["kind"]) ?? .misroute, detectedAt: try row["detected_at"],
            recipient: try row["recipient"], batch: try row["batch"], subjects: try list("subjects"),
            categories: try list("categories").compactMap(DataCategory.init), leftGateway: try row["left_gateway"],
            severity: IncidentSeverity(rawValue: try row["severity"]) ?? .high, recordCount: try row["record_count"], details: try row["details"])
    }
}
