import Foundation
import Gateway
import KetenpoortCore
import Store

/// `/audit`: the audit chain's state and a check on demand; this node's maintenance mode; the
/// operators' latest actions as the chain records them.
extension OperatorConsole {
    /// How far back the list of operator actions looks on the chain.
    static let actionWindow = 2_000

    func auditAndMaintenance(verified: AuditVerifier.Outcome? = nil) async throws -> HTML {
        let (last, checkpoints, actions) = try await store.read { tx -> (AuditEntry?, [AuditCheckpoint], [AuditEntry]) in
            let last = try tx.lastAuditEntry()
            var actions: [AuditEntry] = []
            if let last {
                try tx.forEachAuditEntry(from: max(1, last.seq - Self.actionWindow), through: last.seq) { entry in
                    if Self.isOperatorAction(entry.kind) { actions.append(entry) }
                }
            }
            return (last, try tx.checkpoints(), actions.reversed())
        }
        let verification: HTML? = verified.map { outcome in
            let state: HTML =
                outcome.finding.map { "<span class=\"failed\">BROKEN</span>: \($0.description)" } ?? "<span class=\"intact\">intact</span>"
            return "<p id=\"verification\">Audit chain \(state) — \(outcome.entries) entries, \(outcome.checkpoints) signed checkpoint(s).</p>"
        }
        let since = maintenance.since
        let mode: HTML =
            since.map {
                """
                <p id="maintenance-state" class="alert">In maintenance since \(Shown.time($0)): /health/ready answers 503, a load balancer drains this node.</p>
                <form method="post" action="/maintenance"><input type="hidden" name="mode" value="off"><button id="maintenance" type="submit">Take out of maintenance</button></form>
                """
            }
                ?? """
                <p id="maintenance-state">Serving: /health/ready answers as its checks say.</p>
                <form method="post" action="/maintenance"><input type="hidden" name="mode" value="on"><button id="maintenance" type="submit">Put in maintenance</button></form>
                """
        let rows = actions.prefix(50).map { entry -> HTML in
            "<tr><td class=\"number\">\(entry.seq)</td><td>\(entry.time)</td><td>\(entry.kind)</td><td><code>\(entry.payload)</code></td></tr>"
        }
        return """
            \(verification)
            <h2>Audit chain</h2>
            <p>\(last.map { "\($0.seq) entries; the last at \($0.time)." } ?? "No entries yet.") \
            \(checkpoints.last.map { "The last signed checkpoint is over entry \($0.seq), at \($0.time)." } ?? "No signed checkpoint yet.")</p>
            <form method="post" action="/audit/verify"><button id="verify" type="submit">Verify the whole chain now</button></form>
            <h2>Maintenance mode of node \(node)</h2>
            \(mode)
            <h2>Operators' latest actions</h2>
            <table id="actions"><tr><th>Entry</th><th>Time</th><th>Action</th><th>Payload</th></tr>\(rows)</table>
            """
    }

    /// Whether entries of `kind` record what an operator did.
    static func isOperatorAction(_ kind: String) -> Bool {
        kind.hasPrefix("console.") || kind.hasPrefix("maintenance.") || kind == "batch.resent"
    }
}
