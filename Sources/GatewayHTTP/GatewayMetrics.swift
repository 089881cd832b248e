import Foundation
import Gateway
import KetenpoortCore
import Store

/// The gateway's state as Prometheus text (`GET /metrics`): incidents by clock state and the
/// outbox by status — counts only, nothing about any person.
struct GatewayMetrics: Sendable {
    let store: any Store
    let register: IncidentRegister
    let clock: any WallClock

    func text() async throws -> String {
        let now = clock.now()
        let (states, pending, deadLettered) = try await store.read { [register] tx in
            (
                try register.states(includeClosed: false, in: tx), try tx.schedule(status: .pending).count,
                try tx.schedule(status: .deadLettered).count
            )
        }
        let gauges: [(name: String, help: String, value: Int)] = [
            ("ketenpoort_incidents_open", "Incidents not closed.", states.count),
            (
                "ketenpoort_incidents_unassessed_48h", "Incidents unassessed 48 hours after detection (alert).",
                states.filter { $0.deadline.needsAlert(at: now) }.count
            ),
            (
                "ketenpoort_incidents_notification_overdue", "Incidents past the 72-hour AP notification deadline.",
                states.filter { $0.deadline.isOverdue(at: now) }.count
            ),
            ("ketenpoort_outbox_pending", "Batches waiting for delivery.", pending),
            ("ketenpoort_outbox_dead_lettered", "Batches dead-lettered, waiting for an operator.", deadLettered),
        ]
        return gauges.map { "# HELP \($0.name) \($0.help)\n# TYPE \($0.name) gauge\n\($0.name) \($0.value)\n" }.joined()
    }
}
