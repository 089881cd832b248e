import Foundation
import Gateway
import KetenpoortCore
import Metrics
import Prometheus
import Sealing
import Store

/// `GET /metrics` in Prometheus's text format: what the gateway measured as it ran (swift-metrics,
/// into `registry`: API requests and latency per route and status, delivery attempts and their
/// duration per recipient and outcome, processing-log commits, job runs) and, read from the store
/// when asked, the outbox per recipient, the incidents by clock state and the gateway
/// certificate's time left and each partner's as last seen. Counts, durations, party ids and outcomes only: nothing about a person.
public struct GatewayMetrics: Sendable {
    let store: any Store
    let register: IncidentRegister
    let clock: any WallClock
    let registry: PrometheusCollectorRegistry
    /// The recipients the outbox can hold batches for (every party with an endpoint): each gets its
    /// gauges, 0 when it has nothing waiting.
    let recipients: [String]
    let certificate: URL
    /// The partners' certificates as this node's handshakes saw them (nil: none known).
    var partnerCertificates: PartnerCertificates? = nil

    func text() async throws -> String {
        let now = clock.now()
        let (states, pending, deadLettered) = try await store.read { [register] tx in
            (
                try register.states(includeClosed: false, in: tx), try tx.outboxDepth(status: .pending),
                try tx.outboxDepth(status: .deadLettered)
            )
        }
        func gauge(_ name: String, _ help: String, _ value: Int, labels: [(String, String)] = []) {
            registry.makeGauge(name: name, labels: labels, help: help).set(Double(value))
        }
        gauge("ketenpoort_incidents_open", "Incidents not closed.", states.count)
        gauge(
            "ketenpoort_incidents_unassessed_48h", "Incidents unassessed 48 hours after detection (alert).",
            states.filter { $0.deadline.needsAlert(at: now) }.count)
        gauge(
            "ketenpoort_incidents_notification_overdue", "Incidents past the 72-hour AP notification deadline.",
            states.filter { $0.deadline.isOverdue(at: now) }.count)
        let waiting = Dictionary(uniqueKeysWithValues: pending.map { ($0.recipient, $0) })
        let dead = Dictionary(uniqueKeysWithValues: deadLettered.map { ($0.recipient, $0) })
        for recipient in Set(recipients).union(waiting.keys).union(dead.keys).sorted() {
            let labels = [("recipient", recipient)]
            gauge("ketenpoort_outbox_pending", "Batches waiting for delivery, per recipient.", waiting[recipient]?.batches ?? 0, labels: labels)
            gauge(
                "ketenpoort_outbox_oldest_pending_seconds", "Seconds since the oldest batch waiting for delivery was sealed, per recipient.",
                waiting[recipient].map { Int(now.timeIntervalSince($0.oldestCreatedAt)) } ?? 0, labels: labels)
            gauge(
                "ketenpoort_outbox_dead_lettered", "Batches dead-lettered, waiting for an operator, per recipient.", dead[recipient]?.batches ?? 0,
                labels: labels)
        }
        var expiries = partnerCertificates?.all.mapValues(\.notAfter) ?? [:]
        expiries["gateway"] = try? PEMFiles.loadCertificates(certificate).first?.notValidAfter
        for (party, expiry) in expiries.sorted(by: { $0.key < $1.key }) {
            gauge(
                "ketenpoort_certificate_expiry_seconds",
                "Seconds until the certificate expires, per party (a partner's as its endpoint last presented it).",
                Int(expiry.timeIntervalSince(now)), labels: [("party", party)])
        }
        return registry.emitToString()
    }
}

extension GatewayMetrics {
    /// Makes swift-metrics record into a new registry, for `/metrics` (once per process: `ketenpoort
    /// run`); latencies in buckets from 0.25 ms, where the IND's answers are.
    public static func bootstrapRegistry() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 60, 600]
            .map { Duration.nanoseconds(Int64($0 * 1e9)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
