import Foundation
import Metrics

/// What the gateway measures, through swift-metrics: the process's metrics system (`ketenpoort
/// run` bootstraps Prometheus; elsewhere they go nowhere). Every name is `ketenpoort_…`; label
/// values are party ids, job names, routes, outcomes and status codes — never a person.
public enum Telemetry {
    /// A delivery attempt ended: its recipient (party id), outcome (`delivered`, `retry`,
    /// `dead-lettered`) and how long it took.
    public static func deliveryAttempt(recipient: String, outcome: String, seconds: Double) {
        let dimensions = [("recipient", recipient), ("outcome", outcome)]
        Counter(label: "ketenpoort_delivery_attempts_total", dimensions: dimensions).increment()
        Timer(label: "ketenpoort_delivery_duration_seconds", dimensions: dimensions).recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// A scheduled run ended: its job, outcome (`done`, `failed`) and duration.
    public static func jobRun(job: String, outcome: String, seconds: Double) {
        Counter(label: "ketenpoort_job_runs_total", dimensions: [("job", job), ("outcome", outcome)]).increment()
        Timer(label: "ketenpoort_job_duration_seconds", dimensions: [("job", job)]).recordNanoseconds(Int64(max(0, seconds) * 1e9))
    }

    /// A group commit of the processing log (entries of IND answers) took `duration`.
    public static func processingLogCommit(_ duration: Duration, entries: Int) {
        Timer(label: "ketenpoort_processing_log_commit_seconds").recordNanoseconds(Int64(duration / .nanoseconds(1)))
        Counter(label: "ketenpoort_processing_log_entries_total").increment(by: entries)
    }

    /// An HTTP request to the gateway's API ended: its route (the pattern, not the path asked),
    /// method and status.
    public static func apiRequest(route: String, method: String, status: Int, duration: Duration) {
        let dimensions = [("route", route), ("method", method), ("status", String(status))]
        Counter(label: "ketenpoort_api_requests_total", dimensions: dimensions).increment()
        Timer(label: "ketenpoort_api_request_duration_seconds", dimensions: dimensions).recordNanoseconds(Int64(duration / .nanoseconds(1)))
    }

    /// The batch floor lifted `threads` starved batch threads for a tick (`BatchFloor`): batch work
    /// held back by other work — an IND overload — that goes on slowly.
    public static func batchFloorLifts(_ threads: Int) {
        Counter(label: "ketenpoort_batch_floor_lifts_total").increment(by: threads)
    }
}
