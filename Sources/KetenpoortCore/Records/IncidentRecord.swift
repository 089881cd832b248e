import Foundation

/// What kind of (suspected) personal-data breach an incident is.
public enum IncidentKind: String, Sendable, CaseIterable, Codable {
    /// A record about to be sealed for a recipient it is not addressed to (blocked).
    case misroute
    /// Special-category data about to go without valid consent (blocked).
    case consent
    /// A caller whose certificate or role does not allow what it asked (refused).
    case unauthorisedAccess = "unauthorised-access"
    /// A recipient received something not meant for it (reported by an operator).
    case misdelivery
    /// A recipient's endpoint answered with another party's certificate: the delivery was refused
    /// in the TLS handshake (blocked).
    case recipientIdentity = "recipient-identity"
}

/// The categories of data an incident involves, as the contracts classify fields.
public enum DataCategory: String, Sendable, CaseIterable, Codable, Comparable {
    /// Identifiers of a person (BSN, V-number).
    case identifier
    /// Other personal data.
    case personal
    /// GDPR art. 9 data (health).
    case specialCategory = "special-category"

    /// In declaration order: `identifier`, `personal`, `specialCategory`.
    public static func < (lhs: Self, rhs: Self) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How much harm an incident can do, as first estimated when it is detected.
public enum IncidentSeverity: String, Sendable, CaseIterable, Codable {
    /// `low`: a blocked attempt; `medium`: a blocked attempt with special-category data; `high`: data left the gateway.
    case low, medium, high

    /// The first estimate: data that left the gateway is high; a blocked attempt is low, or medium
    /// when it involved special-category data. The assessment may revise it in its reason.
    public init(categories: [DataCategory], leftGateway: Bool) {
        if leftGateway {
            self = .high
        } else {
            self = categories.contains(.specialCategory) ? .medium : .low
        }
    }
}

/// Where an incident is in its workflow: `open` → `assessed` → `notified` | `not-notifiable` → `closed`.
public enum IncidentStatus: String, Sendable, CaseIterable, Codable {
    /// `open`: recorded, not yet assessed; `assessed`: its risk weighed; `notified`: reported to the AP (GDPR art. 33).
    case open, assessed, notified
    /// Assessed as not to be notified to the AP (the event must give the reason).
    case notNotifiable = "not-notifiable"
    /// Dealt with: the end of the workflow.
    case closed
}

/// A suspected or actual personal-data breach, as recorded when detected. Never changed once
/// written: its status moves through appended `IncidentEvent`s.
public struct IncidentRecord: Sendable, Equatable {
    /// Unique in the register.
    public let id: String
    /// What kind of breach it is.
    public let kind: IncidentKind
    /// When it was detected (the start of the 72-hour notification clock).
    public let detectedAt: Date
    /// The party the data reached or would have reached (registry id, or the caller's OIN).
    public let recipient: String
    /// The batch involved, when there is one.
    public let batch: BatchID?
    /// Affected subjects as keyed pseudonyms, never BSNs.
    public let subjects: [String]
    /// The categories of data involved, in `DataCategory` order.
    public let categories: [DataCategory]
    /// Whether the data actually left the gateway (a breach), or was stopped (a near miss).
    public let leftGateway: Bool
    /// The harm as estimated when it was detected.
    public let severity: IncidentSeverity
    /// The number of records involved.
    public let recordCount: Int
    /// What happened, without personal data.
    public let details: String

    /// Sorts `categories`; `severity` defaults to the first estimate from `categories` and `leftGateway`,
    /// and `recordCount` to the number of `subjects`.
    public init(
        id: String, kind: IncidentKind, detectedAt: Date, recipient: String, batch: BatchID?, subjects: [String], categories: [DataCategory],
        leftGateway: Bool, severity: IncidentSeverity? = nil, recordCount: Int? = nil, details: String
    ) {
        self.id = id
        self.kind = kind
        self.detectedAt = detectedAt
        self.recipient = recipient
        self.batch = batch
        self.subjects = subjects
        self.categories = categories.sorted()
        self.leftGateway = leftGateway
        self.severity = severity ?? IncidentSeverity(categories: categories, leftGateway: leftGateway)
        self.recordCount = recordCount ?? subjects.count
        self.details = details
    }

    /// The number of affected subjects.
    public var subjectCount: Int { subjects.count }
}

/// One step of an incident's workflow, appended, never rewritten.
public struct IncidentEvent: Sendable, Equatable {
    /// The id of the incident it belongs to.
    public let incident: String
    /// 1 for the opening event, then counting up.
    public let sequence: Int
    /// When the step was taken.
    public let at: Date
    /// The status the incident moved to.
    public let status: IncidentStatus
    /// Why (required for `not-notifiable`); never personal data.
    public let reason: String?

    /// Memberwise.
    public init(incident: String, sequence: Int, at: Date, status: IncidentStatus, reason: String?) {
        self.incident = incident
        self.sequence = sequence
        self.at = at
        self.status = status
        self.reason = reason
    }
}
