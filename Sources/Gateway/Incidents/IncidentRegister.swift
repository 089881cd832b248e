import Foundation
import KetenpoortCore
import Logging
import Store

/// The register of (suspected) personal-data breaches. Every incident is opened once, with an
/// `open` event and an audit entry in the same transaction; its status then moves only by
/// appended events (`open` → `assessed` → `notified` | `not-notifiable` → `closed`).
///
/// ```swift
/// try store.write { tx in try register.open(incident, in: tx) }
/// try store.write { tx in try register.move("misroute-b1", to: .assessed, reason: nil, in: tx) }
/// ```
public struct IncidentRegister: Sendable {
    let audit: AuditChain
    let logger = Logger(label: "ketenpoort.incidents")

    public init(audit: AuditChain) {
        self.audit = audit
    }

    var clock: any WallClock { audit.clock }

    /// Records a newly detected incident; an id already in the register is refused.
    public func open(_ incident: IncidentRecord, in tx: any StoreTransaction) throws {
        if try tx.incident(id: incident.id) != nil {
            throw KetenpoortError(.incidentRefused, "incident \(incident.id) is already in the register")
        }
        try tx.recordIncident(incident)
        try tx.appendIncidentEvent(IncidentEvent(incident: incident.id, sequence: 1, at: incident.detectedAt, status: .open, reason: nil))
        try audit.append(.incidentCreated(incident), in: tx)
        logger.warning(
            "incident opened",
            metadata: [
                "incident": "\(incident.id)", "kind": "\(incident.kind.rawValue)", "subjects": "\(incident.subjectCount)",
                "leftGateway": "\(incident.leftGateway)",
            ])
    }

    /// Moves incident `id` to `status` by appending an event; refuses a transition the workflow
    /// does not allow, and `not-notifiable` without a reason.
    @discardableResult
    public func move(_ id: String, to status: IncidentStatus, reason: String?, in tx: any StoreTransaction) throws -> IncidentEvent {
        guard let state = try state(id: id, in: tx) else { throw KetenpoortError(.incidentUnknown, "no incident '\(id)' in the register") }
        let allowed = IncidentState.next(after: state.status)
        guard allowed.contains(status) else {
            let options = allowed.isEmpty ? "none: it is closed" : allowed.map(\.rawValue).joined(separator: " or ")
            throw KetenpoortError(
                .incidentRefused, "incident \(id) is \(state.status.rawValue): it cannot become \(status.rawValue) (next: \(options))")
        }
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if status == .notNotifiable && (reason ?? "").isEmpty {
            throw KetenpoortError(.incidentRefused, "not-notifiable needs the reason (GDPR art. 33: why the breach is unlikely to harm)")
        }
        if let reason, BSN.occurs(in: reason.utf8, eightDigits: true) {
            throw KetenpoortError(.incidentRefused, "the reason holds what looks like a BSN: describe, do not identify")
        }
        let event = IncidentEvent(
            incident: id, sequence: (state.events.last?.sequence ?? 0) + 1, at: clock.now(), status: status,
            reason: reason?.isEmpty == true ? nil : reason)
        try tx.appendIncidentEvent(event)
        try audit.append(.incidentStatus(event), in: tx)
        return event
    }

    /// One incident with its events.
    public func state(id: String, in tx: any StoreTransaction) throws -> IncidentState? {
        guard let incident = try tx.incident(id: id) else { return nil }
        return IncidentState(incident: incident, events: try tx.incidentEvents(incident: id), attempts: try tx.attempts(incident: id))
    }

    /// Every incident with its events, oldest first; closed ones only with `includeClosed`.
    public func states(includeClosed: Bool, in tx: any StoreTransaction) throws -> [IncidentState] {
        try tx.incidents().map { incident in
            IncidentState(incident: incident, events: try tx.incidentEvents(incident: incident.id), attempts: try tx.attempts(incident: incident.id))
        }.filter { includeClosed || $0.status != .closed }
    }

    /// The incidents unassessed for 48 hours or more, each logged as a warning (ids and counts only).
    public func alerts(in tx: any StoreTransaction) throws -> [IncidentState] {
        let now = clock.now()
        let alerts = try states(includeClosed: false, in: tx).filter { $0.deadline.needsAlert(at: now) }
        for state in alerts {
            logger.warning(
                "incident unassessed for 48 hours: the AP notification is due",
                metadata: [
                    "incident": "\(state.incident.id)", "kind": "\(state.incident.kind.rawValue)",
                    "due": "\(IncidentDeadline.local(state.deadline.notificationDue))",
                ])
        }
        if !alerts.isEmpty { logger.warning("incidents awaiting assessment past 48 hours", metadata: ["count": "\(alerts.count)"]) }
        return alerts
    }
}

extension KetenpoortError.Code {
    public static let incidentUnknown: Self = "incident.unknown"
    public static let incidentRefused: Self = "incident.refused"
}
