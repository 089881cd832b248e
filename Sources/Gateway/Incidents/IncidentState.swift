import Foundation
import KetenpoortCore
import Store

/// An incident with its workflow so far: the record, its appended events, and for aggregated
/// incidents the number of attempts.
public struct IncidentState: Sendable, Equatable {
    public let incident: IncidentRecord
    public let events: [IncidentEvent]
    public let attempts: Int

    public init(incident: IncidentRecord, events: [IncidentEvent], attempts: Int) {
        self.incident = incident
        self.events = events
        self.attempts = attempts
    }

    /// The last event's status.
    public var status: IncidentStatus { events.last?.status ?? .open }

    public var deadline: IncidentDeadline { IncidentDeadline(detectedAt: incident.detectedAt, status: status) }

    /// The statuses an incident may move to from `status`; the reason is required for `not-notifiable`.
    public static func next(after status: IncidentStatus) -> [IncidentStatus] {
        switch status {
        case .open: [.assessed]
        case .assessed: [.notified, .notNotifiable]
        case .notified, .notNotifiable: [.closed]
        case .closed: []
        }
    }
}
