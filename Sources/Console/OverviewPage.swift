import Foundation
import Gateway
import KetenpoortCore
import Store

/// `/`: the node, the outbox per partner, dead letters, incidents and the audit chain at a glance.
extension OperatorConsole {
    func overview() async throws -> HTML {
        let now = clock.now()
        let register = incidents
        let (pending, dead, states, lastEntry, lastCheckpoint) = try await store.read { tx in
            (
                try tx.outboxDepth(status: .pending), try tx.outboxDepth(status: .deadLettered),
                try register.states(includeClosed: false, in: tx), try tx.lastAuditEntry(), try tx.lastCheckpoint()
            )
        }
        let waiting = Dictionary(uniqueKeysWithValues: pending.map { ($0.recipient, $0) })
        let deadByRecipient = Dictionary(uniqueKeysWithValues: dead.map { ($0.recipient, $0) })
        let rows = recipients.map { party -> HTML in
            let id = party.party.id
            let waitingHere = waiting[id], deadHere = deadByRecipient[id]
            let deadCell: HTML =
                deadHere.map { "<a class=\"dead-lettered\" href=\"/batches?status=dead-lettered&amp;recipient=\(id)\">\($0.batches)</a>" } ?? "0"
            return """
                <tr data-recipient="\(id)"><td>\(id)</td><td>\(party.party.name)</td>\
                <td class="number">\(waitingHere?.batches ?? 0)</td><td>\(waitingHere.map { Shown.age($0.oldestCreatedAt, now: now) } ?? "—")</td>\
                <td class="number">\(deadCell)</td></tr>
                """
        }
        let deadTotal = dead.reduce(0) { $0 + $1.batches }
        let alerts = states.filter { $0.deadline.needsAlert(at: now) }.count
        let overdue = states.filter { $0.deadline.isOverdue(at: now) }.count
        let maintenanceLine: HTML =
            maintenance.since.map { "<p class=\"alert\">This node is in maintenance since \(Shown.time($0)): its readiness probe drains it.</p>" }
            ?? "<p>This node is serving (not in maintenance).</p>"
        return """
            \(maintenanceLine)
            <h2>Outbox per partner</h2>
            <p><a id="dead-letters" href="/batches?status=dead-lettered">\(deadTotal) dead-lettered batch\(deadTotal == 1 ? "" : "es")</a> \
            wait for an operator.</p>
            <table id="outbox"><tr><th>Partner</th><th>Name</th><th>Pending</th><th>Oldest pending</th><th>Dead letters</th></tr>\(rows)</table>
            <h2>Incidents</h2>
            <p><a href="/incidents">\(states.count) open</a>; <span class="\(alerts > 0 ? "alert" : "")">\(alerts) unassessed after 48 h</span>; \
            <span class="\(overdue > 0 ? "overdue" : "")">\(overdue) past the 72-hour notification deadline</span>.</p>
            <h2>Audit chain</h2>
            <p>\(lastEntry.map { "\($0.seq) entries, the last at \($0.time)" } ?? "empty"); \
            \(lastCheckpoint.map { "last signed checkpoint over entry \($0.seq) at \($0.time)" } ?? "no signed checkpoint yet"). \
            <a href="/audit">Verify now</a></p>
            """
    }
}
