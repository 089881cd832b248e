import Foundation
import KetenpoortCore
import Store

/// The facts the AP's data-breach form asks for, drafted from an incident: nature, categories and
/// approximate numbers of subjects and records, likely consequences, measures taken, whether the
/// subjects are informed, and the timeline. Counts and categories only: never a BSN, a name or a
/// pseudonym.
public struct BreachNotification: Codable, Sendable, Equatable {
    public struct Moment: Codable, Sendable, Equatable {
        /// Europe/Amsterdam local time.
        public let at: String
        public let what: String
    }

    public let incident: String
    public let kind: String
    public let status: String
    public let severity: String
    public let natureOfBreach: String
    public let dataLeftGateway: Bool
    public let recipient: String
    public let categoriesOfData: [String]
    public let includesSpecialCategoryData: Bool
    public let approximateNumberOfSubjects: Int
    public let approximateNumberOfRecords: Int
    public let likelyConsequences: String
    public let measuresTaken: String
    public let subjectsInformed: String
    public let detectedAt: String
    public let notificationDue: String
    public let timeline: [Moment]

    public init(_ state: IncidentState) {
        let incident = state.incident
        let local = IncidentDeadline.local
        let special = incident.categories.contains(.specialCategory)
        self.incident = incident.id
        kind = incident.kind.rawValue
        status = state.status.rawValue
        severity = incident.severity.rawValue
        natureOfBreach = Self.nature(incident, attempts: state.attempts)
        dataLeftGateway = incident.leftGateway
        recipient = incident.recipient
        categoriesOfData = incident.categories.map(\.rawValue)
        includesSpecialCategoryData = special
        approximateNumberOfSubjects = incident.subjectCount
        approximateNumberOfRecords = incident.recordCount
        likelyConsequences =
            incident.leftGateway
            ? "The recipient can see identifying and personal data of the subjects it has no task for"
                + (special ? ", including health data (GDPR art. 9): risk of stigmatisation and of decisions based on it." : ".")
                + " The recipient is a government body bound to confidentiality, which limits further spread."
            : "None expected: the data did not leave the gateway. Recorded as a near miss (GDPR art. 33(5))."
        measuresTaken = Self.measures(incident) + Self.reasons(state)
        subjectsInformed =
            incident.leftGateway && (special || incident.severity == .high)
            ? "Not yet: a high risk is likely, so the subjects are to be informed (GDPR art. 34) unless the assessment finds otherwise."
            : "No: no high risk to the subjects (GDPR art. 34 does not apply)."
        detectedAt = local(incident.detectedAt)
        notificationDue = local(state.deadline.notificationDue)
        timeline =
            [Moment(at: local(incident.detectedAt), what: "detected (\(incident.kind.rawValue))")]
            + state.events.dropFirst().map { event in
                Moment(at: local(event.at), what: event.status.rawValue + (event.reason.map { ": \($0)" } ?? ""))
            }
            + (state.deadline.isRunning ? [Moment(at: local(state.deadline.notificationDue), what: "notification to the AP due (72 hours)")] : [])
    }

    static func nature(_ incident: IncidentRecord, attempts: Int) -> String {
        switch incident.kind {
        case .misroute:
            "Records addressed to one municipality were about to be sealed for another (\(incident.recipient)); the routing guard blocked the batch."
        case .consent:
            "Special-category data was about to go to \(incident.recipient) without a valid consent of the subjects; it was withheld."
        case .unauthorisedAccess:
            "A caller (\(incident.recipient)) asked for data its certificate or role does not allow; refused \(attempts) time(s) within the hour."
        case .misdelivery:
            "A batch was delivered to \(incident.recipient), which reported receiving records not meant for it (wrong recipient)."
        case .recipientIdentity:
            "The endpoint of \(incident.recipient) answered with the certificate of another party; the delivery was refused in the TLS handshake, \(attempts) time(s)."
        }
    }

    static func measures(_ incident: IncidentRecord) -> String {
        switch incident.kind {
        case .misroute: "The batch was blocked before sealing and never sent; the routing was corrected before the next run."
        case .consent: "The special-category fields were withheld; nothing was sent without consent."
        case .unauthorisedAccess: "Every request was refused; the caller's certificate and role are under review."
        case .misdelivery: "The recipient was asked to delete the records and confirm it; the cause in the routing is being corrected."
        case .recipientIdentity:
            "The batch was not sent and is dead-lettered; the recipient's endpoint and certificate are being checked before it is re-sent."
        }
    }

    static func reasons(_ state: IncidentState) -> String {
        let reasons = state.events.compactMap { event in event.reason.map { "\(event.status.rawValue): \($0)" } }
        return reasons.isEmpty ? "" : " Assessment: " + reasons.joined(separator: "; ") + "."
    }

    /// The draft as a readable page.
    public var markdown: String {
        var lines = [
            "# Data breach \(incident) — draft notification to the Autoriteit Persoonsgegevens", "",
            "| | |", "|---|---|",
            "| kind | \(kind) |", "| status | \(status) |", "| severity | \(severity) |",
            "| detected | \(detectedAt) |", "| notification due | \(notificationDue) |",
            "| data left the gateway | \(dataLeftGateway ? "yes (breach)" : "no (near miss)") |",
            "| recipient | \(recipient) |",
            "| categories of data | \(categoriesOfData.joined(separator: ", ")) |",
            "| special-category data | \(includesSpecialCategoryData ? "yes" : "no") |",
            "| subjects (approx.) | \(approximateNumberOfSubjects) |", "| records (approx.) | \(approximateNumberOfRecords) |", "",
            "## Nature of the breach", "", natureOfBreach, "",
            "## Likely consequences", "", likelyConsequences, "",
            "## Measures taken", "", measuresTaken, "",
            "## Are the subjects informed?", "", subjectsInformed, "",
            "## Timeline (Europe/Amsterdam)", "",
        ]
        lines += timeline.map { "- \($0.at) — \($0.what)" }
        return lines.joined(separator: "\n") + "\n"
    }
}
