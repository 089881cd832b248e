import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Sealing
import Store

/// The batches: a list by status and partner (dead letters with resend), one batch's seal,
/// attempts, receipt and lifecycle, and the confirmation before a resend.
extension OperatorConsole {
    /// At most this many batches on a list, newest first.
    static let listLimit = 200

    /// `/batches?status=…&recipient=…`, or the batches of one run (`run`).
    func batchList(status: BatchStatus?, recipient: String?, run: RunID? = nil) async throws -> HTML {
        var wanted: [BatchID]?
        if let run { wanted = try await batchIDs(ofRun: run) ?? [] }
        let summaries = try await store.read { [wanted] tx in
            guard let wanted else { return try tx.batchSummaries(status: status, recipient: recipient, limit: Self.listLimit) }
            return try wanted.compactMap { try tx.batch(id: $0).map(BatchSummary.init) }
        }
        let resendable = summaries.contains { $0.status == .deadLettered }
        let rows = summaries.map { batch -> HTML in
            let check: HTML =
                batch.status == .deadLettered
                ? "<input type=\"checkbox\" name=\"batch\" value=\"\(batch.id.value)\" aria-label=\"select \(batch.id.value)\">" : ""
            return """
                <tr data-batch="\(batch.id.value)"><td>\(check)</td><td><a href="/batches/\(batch.id.value)">\(batch.id.value)</a></td>\
                <td>\(batch.recipient)</td><td>\(batch.contract)</td><td class="number">\(batch.recordCount)</td><td>\(Shown.time(batch.createdAt))</td>\
                <td class="status \(batch.status.rawValue)">\(batch.status.rawValue)</td><td class="number">\(batch.attempts)</td>\
                <td>\(batch.lastError ?? "")</td></tr>
                """
        }
        let filters = HTML(
            joining: [nil, BatchStatus.pending, .deadLettered, .delivered, .blocked, .recalled].map { option -> HTML in
                let query = [option.map { "status=\($0.rawValue)" }, recipient.map { "recipient=\($0)" }].compactMap { $0 }.joined(separator: "&")
                return "<a href=\"/batches\(query.isEmpty ? "" : "?" + query)\">\(option?.rawValue ?? "all")</a> "
            })
        let table: HTML = """
            <table id="batches"><tr><th></th><th>Batch</th><th>Recipient</th><th>Contract</th><th>Records</th><th>Sealed</th><th>Status</th>\
            <th>Attempts</th><th>Last error</th></tr>\(rows)</table>
            """
        let body: HTML =
            resendable
            ? """
            <form id="resend-form" method="post" action="/batches/resend">\(table)
            <button id="resend-selected" type="submit">Resend selected…</button> (you confirm on the next page)</form>
            """ : table
        return """
            <form method="post" action="/batches/find"><label>Find a batch or a run by its id: <input name="id" size="44"></label> \
            <button id="find" type="submit">Find</button></form>
            <p>Show: \(filters)\(recipient.map { " · partner \($0)" } ?? "")\(run.map { " · run \($0.value)" } ?? "") · newest first, at most \(Self.listLimit).</p>
            <p>\(summaries.count) batch\(summaries.count == 1 ? "" : "es").</p>
            \(body)
            """
    }

    /// The batches a run's report names (`batches`, `blocked`, `csvBatch`, `manifestBatch`), nil
    /// when no run of the console's jobs has that id.
    func batchIDs(ofRun run: RunID) async throws -> [BatchID]? {
        let jobs = jobs
        guard let record = try await store.read({ tx in try jobs.lazy.compactMap { try tx.runs(job: $0).last { $0.id == run } }.first }) else {
            return nil
        }
        guard let object = (try? JSONSerialization.jsonObject(with: Data(record.report.utf8))) as? [String: Any] else { return [] }
        var ids: [String] = []
        for key in ["batches", "blocked"] { ids += object[key] as? [String] ?? [] }
        for key in ["csvBatch", "manifestBatch"] { if let id = object[key] as? String { ids.append(id) } }
        return ids.map(BatchID.init)
    }

    /// Where a search for `id` (`/batches/find`) leads: the batch of that id, else the batches of the run of that id.
    func find(_ id: String) async throws -> String? {
        if try await store.read({ tx in try tx.batch(id: BatchID(id)) }) != nil { return "/batches/\(ConsoleServer.pathComponent(id))" }
        if try await batchIDs(ofRun: RunID(id)) != nil { return "/batches?run=\(ConsoleServer.queryValue(id))" }
        return nil
    }

    /// The page that asks to confirm resending `ids` (the ones that exist).
    func resendConfirmation(_ ids: [BatchID]) async throws -> HTML {
        let found = try await store.read { tx in try ids.compactMap { try tx.batch(id: $0) } }
        let rows = found.map { batch -> HTML in
            """
            <tr><td>\(batch.id.value)<input type="hidden" name="batch" value="\(batch.id.value)"></td><td>\(batch.recipient)</td>\
            <td class="status \(batch.status.rawValue)">\(batch.status.rawValue)</td><td class="number">\(batch.recordCount)</td></tr>
            """
        }
        guard !found.isEmpty else { return "<p>No batch was selected. <a id=\"cancel\" href=\"/batches?status=dead-lettered\">Back</a></p>" }
        return """
            <p>Put these \(found.count) batch\(found.count == 1 ? "" : "es") back in line? Each is sent again with the same id and the same bytes \
            (the recipient's idempotency key makes a repeat harmless); each resend is recorded on the audit chain under your name.</p>
            <form method="post" action="/batches/resend/confirm">
            <table><tr><th>Batch</th><th>Recipient</th><th>Status</th><th>Records</th></tr>\(rows)</table>
            <button id="confirm-resend" type="submit">Resend \(found.count) batch\(found.count == 1 ? "" : "es")</button>
            <a id="cancel" href="/batches?status=dead-lettered">Cancel</a></form>
            """
    }

    /// `/batches/<id>` and the batch's status: nil when there is no such batch.
    func batchDetail(_ id: BatchID) async throws -> (html: HTML, status: BatchStatus)? {
        let kinds = [
            "batch.sealed", "delivery.attempt", "delivery.receipt", "batch.dead-lettered", "batch.resent", "batch.recalled", "console.proof-exported",
        ]
        let read = try await store.read { tx -> (OutboxBatch, [DeliveryAttempt], [AuditEntry])? in
            guard let batch = try tx.batch(id: id) else { return nil }
            let entries = try kinds.flatMap { try tx.auditEntries(kind: $0, field: "batch", equals: id.value) }
            return (batch, try tx.attempts(batch: id), entries.sorted { $0.seq < $1.seq })
        }
        guard let (batch, attempts, entries) = read else { return nil }
        let seal = try? DetachedJWS(compact: batch.signature)
        let recipient = registry.party(id: batch.recipient)
        let attemptRows = attempts.enumerated().map { number, attempt -> HTML in
            let receipt: HTML =
                attempt.receipt.map { "receipt, \($0.count) bytes, SHA-256 <code>\(Hex.encode(SHA256.hash(data: $0)))</code>" } ?? ""
            return """
                <tr><td class="number">\(number + 1)</td><td>\(Shown.time(attempt.at))</td><td>\(attempt.httpStatus.map(String.init) ?? "—")</td>\
                <td>\(attempt.error ?? "")</td><td>\(receipt)</td></tr>
                """
        }
        let lifecycle = entries.map { entry -> HTML in
            "<tr><td class=\"number\">\(entry.seq)</td><td>\(entry.time)</td><td>\(entry.kind)</td><td><code>\(entry.payload)</code></td></tr>"
        }
        let resend: HTML? =
            batch.status == .deadLettered
            ? """
            <form method="post" action="/batches/resend"><input type="hidden" name="batch" value="\(batch.id.value)">\
            <button id="resend" type="submit">Resend…</button></form>
            """ : nil
        let html: HTML = """
            <p>Status: <span id="batch-status" class="\(batch.status.rawValue)">\(batch.status.rawValue)</span>\
            \(batch.status == .pending ? " · next attempt \(batch.nextAttemptAt.map(Shown.time) ?? "now")" : "") · \(batch.attempts) attempt(s) counted</p>
            \(resend)
            <h2>Seal</h2>
            <table id="seal">
            <tr><th>Recipient</th><td>\(batch.recipient) · \(recipient?.party.name ?? "not in the registry") · OIN \(batch.recipientOIN)</td></tr>
            <tr><th>Contract</th><td>\(batch.contract)\(seal.map { " version \($0.header.contractVersion)" } ?? "")</td></tr>
            <tr><th>Records</th><td>\(batch.recordCount) · \(batch.payloadBytes) bytes · \(batch.contentType)</td></tr>
            <tr><th>Sealed</th><td>\(Shown.time(batch.createdAt))</td></tr>
            <tr><th>Merkle root</th><td><code>\(batch.merkleRoot)</code></td></tr>
            <tr><th>Payload SHA-256</th><td><code>\(seal?.header.payloadSHA256 ?? "—")</code></td></tr>
            <tr><th>Signer</th><td>\(seal?.certificates.first.map { $0.subject.description } ?? "—")</td></tr>
            </table>
            <form method="post" action="/batches/\(batch.id.value)/proof"><button id="proof" type="submit">Download the proof</button> \
            (seal, chain entries and signed checkpoint, \
            as <code>audit prove</code> writes it; without the payload; the export is recorded on the audit chain)</form>
            <h2>Attempts</h2>
            <table id="attempts"><tr><th>#</th><th>At</th><th>HTTP</th><th>Error</th><th>Receipt</th></tr>\(attemptRows)</table>
            <h2>Lifecycle on the audit chain</h2>
            <table id="lifecycle"><tr><th>Entry</th><th>Time</th><th>Kind</th><th>Payload</th></tr>\(lifecycle)</table>
            """
        return (html, batch.status)
    }
}
