import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

/// No health text (nor a BSN) in anything a person, a log or a report reads: the CLI at debug log
/// level over feeds whose health texts are unique markers, and the store's reports, findings,
/// audit chain, incidents and decision log.
@Suite("No health data in any output")
struct HealthPrivacyTests {
    static let markers = (0..<7).map { "ZZMARKER\($0)QQ" }
    static let (a, b) = (Subjects.bsns[0], Subjects.bsns[1])

    @Test("ingest consent and argonaut, sync, outbox, incidents, audit and deliver print no health text and no BSN")
    func cli() async throws {
        try await TempDirectory.with { directory in
            let template = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
            // Nobody listens there: delivery fails and logs, which is output to check too.
            try template.replacingOccurrences(of: ".localhost:9443/", with: ".localhost:9/")
                .replacingOccurrences(of: "initialBackoffSeconds: 2", with: "initialBackoffSeconds: 0")
                .write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
            let config = ["--config", directory.file("ketenpoort.yaml").path]
            let given = "2026-11-20T10:00:00+01:00"
            let consents = try directory.write(
                "toestemming-20261124.jsonl",
                [
                    "{\"toestemmingId\":\"T-1\",\"bsn\":\"\(Self.a)\",\"doel\":\"medisch-advies\",\"ontvanger\":\"DUO\",\"gegevenOp\":\"\(given)\",\"geldigTot\":null,\"ingetrokkenOp\":null}",
                    "{\"toestemmingId\":\"T-2\",\"bsn\":\"\(Self.a)\",\"doel\":\"gezondheid-gemeente\",\"ontvanger\":\"GM0363\",\"gegevenOp\":\"\(given)\",\"geldigTot\":null,\"ingetrokkenOp\":null}",
                    "{\"toestemmingId\":\"T-3\",\"bsn\":\"\(Self.b)\",\"doel\":\"medisch-advies\",\"ontvanger\":\"IND\",\"gegevenOp\":\"\(given)\"}",
                ].joined(separator: "\n") + "\n")
            let advices = try directory.write(
                "argonaut-advies-20261124.jsonl",
                [
                    Advice.line("ARG-2026-000001", Self.a, marker: Self.markers[0]),
                    Advice.line("ARG-2026-000002", Self.b, marker: Self.markers[1]),
                    // Broken and invalid lines holding health text: their findings must not echo it.
                    "{\"adviesId\":\"ARG-2026-000003\",\"bsn\":\"\(Self.b)\",\"toelichting\":\"\(Self.markers[2])",
                    "{\"adviesId\":\"ARG-2026-000004\",\"bsn\":\"\(Self.b)\",\"datum\":\"2026-11-20\",\"uitkomst\":\"\(Self.markers[3])\",\"toelichting\":\"\(Self.markers[4])\"}",
                ].joined(separator: "\n") + "\n")
            let snapshot = try directory.write(
                "tvs-export-20261123.csv",
                COA.file([
                    ["BSN": Self.a, "VNUMMER": "1000000001", "GEZONDHEID": Self.markers[5]],
                    ["BSN": Self.b, "VNUMMER": "1000000002", "GEZONDHEID": Self.markers[6]],
                    ["BSN": Subjects.bsns[2], "VNUMMER": "1000000003", "GEZONDHEID": String(repeating: Self.markers[6], count: 100)],
                ]))
            let withdrawal = try directory.write(
                "toestemming-20261124b.jsonl",
                "{\"toestemmingId\":\"T-2\",\"bsn\":\"\(Self.a)\",\"doel\":\"gezondheid-gemeente\",\"ontvanger\":\"GM0363\",\"gegevenOp\":\"\(given)\",\"geldigTot\":null,\"ingetrokkenOp\":\"2026-11-24T09:00:00+01:00\"}\n"
            )
            let debug = ["KETENPOORT_LOG_LEVEL": "debug"]
            var outputs: [CLI.Output] = [try await CLI.runDetached(["pki", "init", "--dir", directory.file("var/pki").path] + config)]
            for arguments in [
                ["ingest", "consent", consents.path], ["ingest", "argonaut", advices.path], ["ingest", "argonaut", "--json", advices.path],
                ["sync", "coa-gemeenten", snapshot.path], ["ingest", "consent", "--json", withdrawal.path], ["outbox", "list"],
                ["incidents", "list", "--json"],
                ["audit", "verify"], ["deliver", "--max-wait", "1"],
            ] {
                outputs.append(try await CLI.runDetached(arguments + config, environment: debug))
            }
            #expect(outputs[1].status == 0, "\(outputs[1])")  // taken in; the consent for IND is quarantined (reported)
            #expect(outputs[2].stdout.contains("ARG-2026-000002") && outputs[2].stdout.contains("HELD"), "\(outputs[2])")
            #expect(outputs[4].status == 0 || outputs[4].status == 1, "\(outputs[4])")
            let text = outputs.map { $0.stdout + $0.stderr }.joined(separator: "\n")
            #expect(text.contains("debug") || text.contains("info"), "debug logging was on")
            for secret in Self.markers + [Self.a, Self.b, Subjects.bsns[2]] {
                #expect(!text.contains(secret), "\(secret) in the output:\n\(outputs.filter { ($0.stdout + $0.stderr).contains(secret) })")
            }

            // What the store keeps for people to read holds none of it either (the batches and the
            // held advices do, by design).
            let store = try SQLiteStore(path: directory.file("var/ketenpoort.sqlite").path)
            let kept = try await store.read { tx -> [String] in
                var kept: [String] = []
                for job in ["toestemming", "argonaut-advies", "coa-gemeenten"] {
                    for run in try tx.runs(job: job) {
                        kept.append(run.report)
                        kept += try tx.quarantined(run: run.id).map { "\($0.position) \($0.field ?? "") \($0.rule) \($0.message)" }
                    }
                }
                try tx.forEachAuditEntry(from: 1, through: nil) { kept.append($0.payload) }
                kept += try tx.incidents().map(\.details)
                kept += try tx.decisions(reference: nil).map { "\($0.subject) \($0.purpose) \($0.recipient) \($0.consent ?? "") \($0.reference)" }
                return kept
            }
            #expect(kept.count > 10)
            let stored = kept.joined(separator: "\n")
            for secret in Self.markers + [Self.a, Self.b, Subjects.bsns[2]] {
                #expect(!stored.contains(secret), "\(secret) kept in a report, finding or log")
            }
            #expect(
                try await store.read { try $0.storedBatches(status: nil) }.contains {
                    String(decoding: $0.payload, as: UTF8.self).contains(Self.markers[0])
                })
        }
    }
}
