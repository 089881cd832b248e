import Foundation
import Gateway
import KetenpoortCore
import Store

/// `incidents list` output: a table for people, JSON for tools. Ids, counts and times only.
struct IncidentListing {
    let states: [IncidentState]
    let now: Date
    /// Incidents unassessed for 48 hours or more.
    let alerts: Int
    let overdue: Int

    struct Row: Encodable {
        let id: String
        let kind: String
        let status: String
        let severity: String
        let recipient: String
        let batch: BatchID?
        let detectedAt: String
        let notificationDue: String
        let secondsLeft: Int?
        let isOverdue: Bool
        let needsAlert: Bool
        let subjects: Int
        let records: Int
        let attempts: Int
        let categories: [String]
        let leftGateway: Bool
    }

    struct Document: Encodable {
        let now: String
        let alerts: Int
        let overdue: Int
        let incidents: [Row]
    }

    var rows: [Row] {
        states.map { state in
            let deadline = state.deadline, incident = state.incident
            return Row(
                id: incident.id, kind: incident.kind.rawValue, status: state.status.rawValue, severity: incident.severity.rawValue,
                recipient: incident.recipient, batch: incident.batch, detectedAt: IncidentDeadline.local(incident.detectedAt),
                notificationDue: IncidentDeadline.local(deadline.notificationDue),
                secondsLeft: deadline.isRunning ? Int(deadline.timeLeft(at: now).rounded(.down)) : nil, isOverdue: deadline.isOverdue(at: now),
                needsAlert: deadline.needsAlert(at: now), subjects: incident.subjectCount, records: incident.recordCount, attempts: state.attempts,
                categories: incident.categories.map(\.rawValue), leftGateway: incident.leftGateway)
        }
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let document = Document(now: IncidentDeadline.local(now), alerts: alerts, overdue: overdue, incidents: rows)
        return String(decoding: try encoder.encode(document), as: UTF8.self)
    }

    func table() -> String {
        func pad(_ text: String, _ width: Int) -> String { text.padding(toLength: max(width, text.count), withPad: " ", startingAt: 0) }
        var lines = [
            pad("incident", 52) + " " + pad("kind", 19) + " " + pad("status", 14) + " " + pad("due (Europe/Amsterdam)", 25) + " " + pad("left", 10)
                + " subjects"
        ]
        for (row, state) in zip(rows, states) {
            let left = row.secondsLeft.map { IncidentDeadline.duration(TimeInterval($0)) } ?? "-"
            var marks: [String] = []
            if row.isOverdue { marks.append("OVERDUE") }
            if row.needsAlert { marks.append("ALERT: unassessed for 48 h") }
            if state.attempts > 0 { marks.append("\(state.attempts) attempt(s)") }
            lines.append(
                pad(row.id, 52) + " " + pad(row.kind, 19) + " " + pad(row.status, 14) + " " + pad(row.notificationDue, 25) + " " + pad(left, 10) + " "
                    + pad(String(row.subjects), 8) + (marks.isEmpty ? "" : "  " + marks.joined(separator: ", ")))
        }
        lines.append("\(states.count) incident(s), \(alerts) alert(s), \(overdue) overdue")
        return lines.joined(separator: "\n")
    }
}
