import Foundation
import Gateway
import KetenpoortCore
import Store

/// `/incidents`: the register with the 72-hour clock (AVG art. 33), alerts first, and each one's
/// workflow steps. Counts and categories; never the subjects' pseudonyms.
extension OperatorConsole {
    func incidentList() async throws -> HTML {
        let now = clock.now()
        let register = incidents
        let states = try await store.read { tx in try register.states(includeClosed: true, in: tx) }
        func rank(_ state: IncidentState) -> Int {
            if state.deadline.needsAlert(at: now) { return 0 }
            if state.deadline.isOverdue(at: now) { return 1 }
            return state.deadline.isRunning ? 2 : 3
        }
        let ordered = states.sorted { (rank($0), $0.deadline.notificationDue) < (rank($1), $1.deadline.notificationDue) }
        let rows = ordered.map { state -> HTML in
            let incident = state.incident, deadline = state.deadline
            let clock: HTML =
                deadline.isRunning
                ? "<span class=\"\(deadline.isOverdue(at: now) ? "overdue" : "")\">\(IncidentDeadline.duration(deadline.timeLeft(at: now))) left</span>"
                : "stopped"
            let steps = state.events.map { event -> HTML in
                "\(event.status.rawValue) at \(Shown.time(event.at))\(event.reason.map { " (\($0))" } ?? "")<br>"
            }
            let alert: HTML? = deadline.needsAlert(at: now) ? "<span class=\"alert\">ALERT: unassessed after 48 h</span><br>" : nil
            return """
                <tr data-incident="\(incident.id)"><td>\(alert)\(incident.id)</td><td>\(incident.kind.rawValue)</td><td>\(incident.severity.rawValue)</td>\
                <td>\(incident.recipient)</td><td>\(incident.batch.map { HTML("<a href=\"/batches/\($0.value)\">\($0.value)</a>") })</td>\
                <td>\(Shown.time(incident.detectedAt))</td><td>\(Shown.time(deadline.notificationDue))</td><td>\(clock)</td>\
                <td>\(state.status.rawValue)</td><td class="number">\(incident.subjectCount)</td><td class="number">\(incident.recordCount)</td>\
                <td>\(incident.categories.map(\.rawValue).joined(separator: ", "))</td><td>\(steps)</td></tr>
                """
        }
        return """
            <p>\(states.count) incident(s). The next workflow step is taken with <code>ketenpoort incidents assess|notify|not-notifiable|close</code>.</p>
            <table id="incidents"><tr><th>Incident</th><th>Kind</th><th>Severity</th><th>Recipient</th><th>Batch</th><th>Detected</th>\
            <th>Notify AP by</th><th>72-hour clock</th><th>Status</th><th>Subjects</th><th>Records</th><th>Categories</th><th>Steps</th></tr>\
            \(rows)</table>
            """
    }
}
