import Foundation
import Gateway
import KetenpoortCore
import Store

/// `/partners`: per partner its last delivery, last error, certificate expiry (as its endpoint last
/// presented it) and a connection test; the parties that only call in, by role.
extension OperatorConsole {
    func partners(test: ConnectionTest? = nil) async throws -> HTML {
        let now = clock.now()
        let (activity, pending, dead) = try await store.read { tx in
            (try tx.recipientActivity(), try tx.outboxDepth(status: .pending), try tx.outboxDepth(status: .deadLettered))
        }
        let byRecipient = Dictionary(uniqueKeysWithValues: activity.map { ($0.recipient, $0) })
        let waiting = Dictionary(uniqueKeysWithValues: pending.map { ($0.recipient, $0.batches) })
        let deadLettered = Dictionary(uniqueKeysWithValues: dead.map { ($0.recipient, $0.batches) })
        let certificates = partnerCertificates.all
        let rows = recipients.map { party -> HTML in
            let id = party.party.id, seen = byRecipient[id]
            let expiry: HTML =
                certificates[id].map { sighting in
                    let days = Int(sighting.notAfter.timeIntervalSince(now) / 86_400)
                    return "<span class=\"\(days < 30 ? "alert" : "")\">\(Shown.time(sighting.notAfter)) (\(days) days)</span>"
                } ?? "not seen since this node started"
            return """
                <tr data-partner="\(id)"><td>\(id)</td><td>\(party.party.name)</td><td>\(party.party.role.rawValue)</td><td>\(party.party.oin.value)</td>\
                <td>\(party.endpoint?.host ?? "")</td><td class="number">\(waiting[id] ?? 0)</td><td class="number">\(deadLettered[id] ?? 0)</td>\
                <td>\(Shown.time(seen?.lastDeliveredAt))</td><td>\(seen?.lastFailedAt.map { "\(Shown.time($0)): \(seen?.lastError ?? "")" } ?? "—")</td>\
                <td>\(expiry)</td><td><form class="inline" method="post" action="/partners/\(id)/test">\
                <button class="test" type="submit">Test connection</button></form></td></tr>
                """
        }
        let callers = registry.parties.filter { $0.endpoint == nil }.map { party -> HTML in
            "<tr><td>\(party.party.id)</td><td>\(party.party.name)</td><td>\(party.party.role.rawValue)</td><td>\(party.party.oin.value)</td></tr>"
        }
        let result: HTML? = test.map { test in
            let outcome: HTML =
                test.error.map { "<span class=\"failed\">failed</span>: \($0)" }
                    ?? """
                    <span class="passed">connected</span>: mutual TLS with the partner's OIN checked in the handshake; its endpoint answered HTTP \
                    \(test.status ?? 0)\(test.certificateNotAfter.map { "; its certificate expires \(Shown.time($0))" } ?? "")
                    """
            return "<p id=\"connection-test\">Connection test of \(test.party): \(outcome)</p>"
        }
        return """
            \(result)
            <table id="partners"><tr><th>Partner</th><th>Name</th><th>Role</th><th>OIN</th><th>Endpoint</th><th>Pending</th><th>Dead letters</th>\
            <th>Last delivered</th><th>Last error</th><th>Certificate expires</th><th></th></tr>\(rows)</table>
            <h2>Parties that call in</h2>
            <table id="callers"><tr><th>Party</th><th>Name</th><th>Role</th><th>OIN</th></tr>\(callers)</table>
            """
    }
}
