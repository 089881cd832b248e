import Foundation
import KetenpoortCore
import Store

/// What the audit chain records: a kind and a payload without personal data.
public struct AuditEvent: Sendable, Equatable {
    public let kind: String
    public let payload: AuditPayload

    public init(kind: String, payload: AuditPayload) {
        self.kind = kind
        self.payload = payload
    }

    /// A batch sealed into the outbox.
    public static func batchSealed(_ batch: OutboxBatch, payloadSHA256: String, signatureSHA256: String) -> Self {
        Self(
            kind: "batch.sealed",
            payload: AuditPayload([
                "batch": .text(batch.id.value), "recipient": .text(batch.recipient), "recipientOIN": .text(batch.recipientOIN),
                "contract": .text(batch.contract), "records": .number(batch.recordCount), "merkleRoot": .text(batch.merkleRoot),
                "payloadSHA256": .text(payloadSHA256), "signatureSHA256": .text(signatureSHA256),
            ]))
    }

    /// One delivery attempt and its outcome (`delivered`, `retry`, `dead-lettered`), and the node
    /// (the claim's holder) that made it.
    public static func deliveryAttempt(_ attempt: DeliveryAttempt, number: Int, outcome: String, node: String? = nil) -> Self {
        var fields: [String: AuditPayload.Value] = ["batch": .text(attempt.batch.value), "attempt": .number(number), "outcome": .text(outcome)]
        if let status = attempt.httpStatus { fields["httpStatus"] = .number(status) }
        if let node { fields["node"] = .text(node) }
        return Self(kind: "delivery.attempt", payload: AuditPayload(fields))
    }

    /// The signed receipt a recipient returned.
    public static func receipt(batch: BatchID, receiptSHA256: String) -> Self {
        Self(kind: "delivery.receipt", payload: AuditPayload(["batch": .text(batch.value), "receiptSHA256": .text(receiptSHA256)]))
    }

    /// A batch taken back before it was sent (its payload deleted), and why.
    public static func batchRecalled(batch: BatchID, reason: String) -> Self {
        Self(kind: "batch.recalled", payload: AuditPayload(["batch": .text(batch.value), "reason": .text(reason)]))
    }

    /// A batch dead-lettered: retries exhausted or refused.
    public static func deadLettered(batch: BatchID, attempts: Int, reason: String) -> Self {
        Self(
            kind: "batch.dead-lettered", payload: AuditPayload(["batch": .text(batch.value), "attempts": .number(attempts), "reason": .text(reason)]))
    }

    /// A dead-lettered batch put back in line by an operator.
    public static func resent(batch: BatchID, by actor: OperatorIdentity) -> Self {
        Self(kind: "batch.resent", payload: AuditPayload(actor.auditFields.merging(["batch": .text(batch.value)]) { $1 }))
    }

    /// A node put in or taken out of maintenance mode (its readiness probe drains it), by whom.
    public static func maintenance(on: Bool, node: String, by actor: OperatorIdentity) -> Self {
        Self(kind: on ? "maintenance.on" : "maintenance.off", payload: AuditPayload(actor.auditFields.merging(["node": .text(node)]) { $1 }))
    }

    /// Another action an operator took from the console (`console.<action>`), with what it was
    /// about and how it ended — never personal data.
    public static func consoleAction(_ action: String, by actor: OperatorIdentity, _ fields: [String: AuditPayload.Value]) -> Self {
        Self(kind: "console.\(action)", payload: AuditPayload(actor.auditFields.merging(fields) { $1 }))
    }

    /// An incident opened: counts and categories, not the pseudonyms.
    public static func incidentCreated(_ incident: IncidentRecord) -> Self {
        var fields: [String: AuditPayload.Value] = [
            "incident": .text(incident.id), "kind": .text(incident.kind.rawValue), "recipient": .text(incident.recipient),
            "subjects": .number(incident.subjectCount), "records": .number(incident.recordCount),
            "categories": .texts(incident.categories.map(\.rawValue)), "leftGateway": .flag(incident.leftGateway),
            "severity": .text(incident.severity.rawValue),
        ]
        if let batch = incident.batch { fields["batch"] = .text(batch.value) }
        return Self(kind: "incident.created", payload: AuditPayload(fields))
    }

    /// An incident's status changed.
    public static func incidentStatus(_ event: IncidentEvent) -> Self {
        var fields: [String: AuditPayload.Value] = [
            "incident": .text(event.incident), "status": .text(event.status.rawValue), "sequence": .number(event.sequence),
        ]
        if let reason = event.reason { fields["reason"] = .text(reason) }
        return Self(kind: "incident.status", payload: AuditPayload(fields))
    }

    /// A scheduled run for `due` ended (`done` or `failed`) on `node`, the holder of its lease.
    public static func scheduleRan(schedule: String, due: Date, node: String, outcome: String) -> Self {
        Self(
            kind: "schedule.ran",
            payload: AuditPayload([
                "schedule": .text(schedule), "due": .text(ISO8601DateFormatter().string(from: due)), "node": .text(node),
                "outcome": .text(outcome),
            ]))
    }

    /// A configuration file loaded, by its SHA-256.
    public static func configurationLoaded(file: String, sha256: String) -> Self {
        Self(kind: "configuration.loaded", payload: AuditPayload(["file": .text(file), "sha256": .text(sha256)]))
    }
}
