import Foundation
import KetenpoortCore
import Store

/// `/runs`: the last runs of each job (nights, ingests, deliveries) with their report's counts, and
/// what each quarantined, by rule code.
extension OperatorConsole {
    /// The runs shown per job, newest first.
    static let runsPerJob = 10

    func runs() async throws -> HTML {
        let jobs = jobs
        let found = try await store.read { tx in
            try jobs.map { job in
                let runs = try tx.runs(job: job).suffix(Self.runsPerJob).reversed()
                return (job, try runs.map { ($0, try tx.quarantined(run: $0.id)) })
            }
        }
        let sections = found.map { job, runs -> HTML in
            let rows = runs.map { run, quarantined -> HTML in
                var byRule: [String: Int] = [:]
                for entry in quarantined { byRule[entry.rule, default: 0] += 1 }
                let findings = byRule.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                    .map { "\($0.key) × \($0.value)" }.joined(separator: ", ")
                return """
                    <tr data-run="\(run.id.value)"><td><a href="/batches?run=\(ConsoleServer.queryValue(run.id.value))">\(run.id.value)</a></td><td>\(Shown.time(run.startedAt))</td>\
                    <td class="number">\(String(format: "%.1f s", run.finishedAt.timeIntervalSince(run.startedAt)))</td>\
                    <td>\(Self.counts(ofReport: run.report))</td><td>\(findings.isEmpty ? "none" : findings)</td></tr>
                    """
            }
            let table: HTML =
                rows.isEmpty
                ? "<p>No runs yet.</p>"
                : "<table><tr><th>Run</th><th>Started</th><th>Took</th><th>Counts</th><th>Quarantined, by rule</th></tr>\(rows)</table>"
            return "<h2>\(job)</h2>\(table)"
        }
        return "\(sections)"
    }

    /// The top-level counts of a run report (`received 10900 · delivered 10890 …`); a report holds
    /// counts only, and only its numbers and flags are shown.
    static func counts(ofReport report: String) -> String {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(report.utf8))) as? [String: Any] else { return "—" }
        let shown = object.keys.sorted().compactMap { key -> String? in
            switch object[key] {
            case let number as NSNumber: "\(key) \(number)"
            default: nil
            }
        }
        return shown.isEmpty ? "—" : shown.joined(separator: " · ")
    }
}
