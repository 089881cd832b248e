import Adapters
import Contracts
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// Medical advice lines (formats.md §6) whose health text is a unique marker.
enum Advice {
    static func line(_ id: String, _ bsn: String, marker: String) -> String {
        "{\"adviesId\":\"\(id)\",\"bsn\":\"\(bsn)\",\"datum\":\"2026-11-20\",\"uitkomst\":\"ontheffing-geadviseerd\",\"toelichting\":\"\(marker)\"}"
    }
}

extension DeliveryFixture {
    /// The gateway started again at `moment` (a new store connection), its configuration edited by `edit`.
    func restarted(at moment: Date, edit: (String) -> String = { $0 }) throws -> GatewayRuntime {
        let yaml = try String(contentsOf: directory.file("ketenpoort.yaml"), encoding: .utf8)
        let config = directory.file("ketenpoort-\(UUID().uuidString).yaml")
        try edit(yaml).write(to: config, atomically: true, encoding: .utf8)
        return try GatewayRuntime(
            configuration: try GatewayConfiguration.load(contentsOf: config), workspaceRoot: Repository.root, clock: FixedWallClock(moment))
    }

    func ingestConsent(_ lines: [ConsentLine], runtime: GatewayRuntime) throws -> ConsentIngestReport {
        let file = try directory.write("toestemming-\(UUID().uuidString).jsonl", ConsentLine.file(lines))
        return try runtime.consentIngest().run(file: file)
    }

    func ingestAdvice(_ lines: [String], runtime: GatewayRuntime) throws -> AdviceIngestReport {
        let file = try directory.write("argonaut-advies-\(UUID().uuidString).jsonl", lines.joined(separator: "\n") + "\n")
        return try runtime.adviceFlow().ingest(file: file)
    }

    func deliver(_ runtime: GatewayRuntime) async throws -> DeliveryWorker.Round {
        let client = CurlClient()
        let round = try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
            .deliverUntilDone(deadline: Date().addingTimeInterval(60))
        await client.shutdown()
        return round
    }

    /// Everything the receiver stored for `party`, as one text.
    func receivedText(_ party: String) throws -> String {
        try receivedFiles().filter { $0.hasPrefix(party + "/") }.map { try String(contentsOf: received.appendingPathComponent($0), encoding: .utf8) }
            .joined()
    }
}

@Suite("Medical advice Argonaut → DUO over mutual TLS", .serialized)
struct AdviceFlowTests {
    static let (a, b, c) = (Subjects.bsns[0], Subjects.bsns[1], Subjects.bsns[2])
    static let t0 = SyncFixture.clock.now()

    @Test("with consent: delivered to DUO once; without: held across restarts and delivered once consent arrives; withdrawn before release: never")
    func endToEnd() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let given = ConsentTime.at(days: 19)
        let consentA = ConsentLine(id: "T-A", bsn: Self.a, purpose: "medisch-advies", recipient: "DUO", givenAt: given)
        _ = try fixture.ingestConsent([consentA], runtime: fixture.runtime)
        let advices = [
            Advice.line("ARG-2026-000001", Self.a, marker: "MARKER-ADVICE-A"), Advice.line("ARG-2026-000002", Self.b, marker: "MARKER-ADVICE-B"),
            Advice.line("ARG-2026-000003", Self.c, marker: "MARKER-ADVICE-C"),
        ]
        let first = try fixture.ingestAdvice(advices, runtime: fixture.runtime)
        #expect(first.isBalanced && first.received.count == 3)
        #expect(first.release.released == ["ARG-2026-000001"])
        #expect(first.release.held == ["ARG-2026-000002", "ARG-2026-000003"])
        let round = try await fixture.deliver(fixture.runtime)
        #expect(round.delivered == ["argonaut-advies-ARG-2026-000001"])
        #expect(try fixture.receivedFiles().filter { $0.hasPrefix("duo/") }.count == 1)
        #expect(try fixture.receivedText("duo").contains("MARKER-ADVICE-A"))

        // A restart: the held advices are still held, and nothing new goes.
        let restarted = try fixture.restarted(at: Self.t0.addingTimeInterval(3600))
        #expect(try await restarted.store.read { try $0.advices(status: .held) }.map(\.id) == ["ARG-2026-000002", "ARG-2026-000003"])
        #expect(try await fixture.deliver(restarted).attempted == 0)
        // C's consent arrives already withdrawn (a later line supersedes the first): C stays held.
        let consentC = ConsentLine(id: "T-C", bsn: Self.c, purpose: "medisch-advies", recipient: "DUO", givenAt: given)
        let withdrawnC = {
            var line = consentC; line.withdrawnAt = Self.t0.addingTimeInterval(1800); return line
        }()
        let cReport = try fixture.ingestConsent([consentC, withdrawnC], runtime: restarted)
        #expect(cReport.release?.released == [])
        #expect(cReport.release?.held == ["ARG-2026-000002", "ARG-2026-000003"])

        // Another restart; B's consent arrives: B is released and delivered, once.
        let later = try fixture.restarted(at: Self.t0.addingTimeInterval(7200))
        let consentB = ConsentLine(id: "T-B", bsn: Self.b, purpose: "medisch-advies", recipient: "DUO", givenAt: Self.t0.addingTimeInterval(7000))
        let bReport = try fixture.ingestConsent([consentB], runtime: later)
        #expect(bReport.release?.released == ["ARG-2026-000002"])
        #expect(bReport.release?.held == ["ARG-2026-000003"])
        #expect(try await fixture.deliver(later).delivered == ["argonaut-advies-ARG-2026-000002"])
        #expect(try await fixture.deliver(later).attempted == 0)
        let duo = try fixture.receivedFiles().filter { $0.hasPrefix("duo/") }
        #expect(duo.count == 2)
        let text = try fixture.receivedText("duo")
        #expect(text.contains("MARKER-ADVICE-A") && text.contains("MARKER-ADVICE-B") && !text.contains("MARKER-ADVICE-C"))
        // No other recipient got anything, and no batch anywhere holds C's advice.
        #expect(try fixture.receivedFiles().allSatisfy { $0.hasPrefix("duo/") })
        #expect(try fixture.batches().allSatisfy { !String(decoding: $0.payload, as: UTF8.self).contains("MARKER-ADVICE-C") })
        #expect(try fixture.batches().allSatisfy { $0.recipient == "duo" })

        // The decision log: every decision, with its consent record, subjects as pseudonyms.
        let log = try await later.store.read { try $0.decisions(reference: nil) }
        let summary = log.map { "\($0.reference) \($0.isAllowed ? "allow" : "deny") \($0.consent ?? "-")" }
        #expect(
            summary == [
                "ARG-2026-000001 allow T-A#1", "ARG-2026-000002 deny -", "ARG-2026-000003 deny -",
                "ARG-2026-000002 deny -", "ARG-2026-000003 deny -",
                "ARG-2026-000002 allow T-B#1", "ARG-2026-000003 deny -",
            ])
        #expect(log.allSatisfy { $0.purpose == "medisch-advies" && $0.recipient == "DUO" && $0.flow == "argonaut-advies" })
        #expect(log.allSatisfy { entry in entry.subject.count == 64 && ![Self.a, Self.b, Self.c].contains { entry.subject.contains($0) } })
        #expect(Set(log.filter { $0.reference == "ARG-2026-000002" }.map(\.subject)).count == 1)
        // Each advice batch was sealed at a moment its consent was valid (formats.md §7, read directly).
        let history = [
            (consentA, Self.t0), (consentC, Self.t0.addingTimeInterval(3600)), (withdrawnC, Self.t0.addingTimeInterval(3600)),
            (consentB, Self.t0.addingTimeInterval(7200)),
        ]
        for batch in try fixture.batches() {
            let bsn = batch.id.value.hasSuffix("000001") ? Self.a : Self.b
            #expect(ConsentLine.expected(history.map { ($0.0, $0.1) }, bsn: bsn, purpose: "medisch-advies", recipient: "DUO", at: batch.createdAt))
        }
    }

    @Test(
        "consent withdrawn while the advice's batch waits for DUO: the batch is recalled, never sent, its text deleted; sent again after new consent, it goes once"
    )
    func recalledBeforeDelivery() async throws {
        // DUO answers 503 at first: the sealed advice waits in the outbox.
        let fixture = try await DeliveryFixture.start(faultPlan: .unavailable(first: 1, retryAfter: "0"))
        defer { fixture.stop() }
        let consent = ConsentLine(id: "T-A", bsn: Self.a, purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 19))
        _ = try fixture.ingestConsent([consent], runtime: fixture.runtime)
        let line = Advice.line("ARG-2026-000040", Self.a, marker: "MARKER-RECALLED")
        #expect(try fixture.ingestAdvice([line], runtime: fixture.runtime).release.released == ["ARG-2026-000040"])
        let client = CurlClient()
        let first = try await DeliveryWorker(store: fixture.runtime.store, configuration: fixture.runtime.configuration, client: client).deliverDue()
        await client.shutdown()
        #expect(first.retrying == ["argonaut-advies-ARG-2026-000040"])

        // The newcomer withdraws consent: the waiting batch is recalled.
        let later = try fixture.restarted(at: Self.t0.addingTimeInterval(3600))
        let withdrawn = {
            var line = consent; line.withdrawnAt = Self.t0.addingTimeInterval(1800); return line
        }()
        let report = try fixture.ingestConsent([withdrawn], runtime: later)
        #expect(report.release?.recalled == ["ARG-2026-000040"])
        let batch = try await #require(try later.store.read { try $0.batch(id: "argonaut-advies-ARG-2026-000040") })
        #expect(batch.status == .recalled)
        #expect(try await later.store.read { try $0.payloadPart(batch: batch.id, part: 0) } == nil)
        #expect(try await later.store.read { try $0.advice(id: "ARG-2026-000040") }?.status == .recalled)
        #expect(try await later.store.read { try $0.auditEntries(kind: "batch.recalled", field: "batch", equals: batch.id.value) }.count == 1)
        #expect(try await later.store.read { try $0.decisions(reference: "ARG-2026-000040") }.last?.isAllowed == false)
        // Nothing goes, and an operator cannot resend it.
        #expect(try await fixture.deliver(later).attempted == 0)
        try await later.store.write { try $0.requeue(batch: batch.id, at: Date()) }
        #expect(try await later.store.read { try $0.batch(id: batch.id) }?.status == .recalled)
        #expect(try await fixture.deliver(later).attempted == 0)
        #expect(try !fixture.receivedText("duo").contains("MARKER-RECALLED"))
        // Withdrawing again recalls nothing more.
        #expect(try fixture.ingestConsent([withdrawn], runtime: later).release?.recalled == [])

        // New consent, and Argonaut sends the advice again: held, released under a new batch id, delivered once.
        let renewed = try fixture.restarted(at: Self.t0.addingTimeInterval(7200))
        let again = ConsentLine(id: "T-A2", bsn: Self.a, purpose: "medisch-advies", recipient: "DUO", givenAt: Self.t0.addingTimeInterval(7000))
        _ = try fixture.ingestConsent([again], runtime: renewed)
        let resent = try fixture.ingestAdvice([line], runtime: renewed)
        #expect(resent.received == ["ARG-2026-000040"] && resent.alreadyKnown.isEmpty)
        #expect(resent.release.released == ["ARG-2026-000040"] && resent.release.batches == ["argonaut-advies-ARG-2026-000040-2"])
        #expect(try await fixture.deliver(renewed).delivered == ["argonaut-advies-ARG-2026-000040-2"])
        #expect(try fixture.receivedText("duo").components(separatedBy: "MARKER-RECALLED").count == 2)
    }

    @Test("an advice already taken in is not taken again")
    func idempotentIngest() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let line = Advice.line("ARG-2026-000010", Self.a, marker: "MARKER-ONCE")
        _ = try fixture.ingestAdvice([line], runtime: fixture.runtime)
        let again = try fixture.ingestAdvice([line], runtime: fixture.runtime)
        #expect(again.alreadyKnown == ["ARG-2026-000010"] && again.received.isEmpty && again.isBalanced)
    }

    @Test(
        "a hostile configuration cannot make an advice reach anyone but DUO",
        arguments: [
            // A second party with role DUO, whose endpoint is a municipality's.
            "second-duo",
            // The id `duo` now names a municipality; no party plays DUO.
            "duo-is-gemeente",
        ])
    func hostileRegistry(variant: String) async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let runtime = try fixture.restarted(at: Self.t0) { yaml in
            switch variant {
            case "second-duo":
                let port = yaml.components(separatedBy: ".localhost:")[1].prefix { $0.isNumber }
                return yaml.replacingOccurrences(
                    of: "\n  - { id: ind,",
                    with:
                        "\n  - { id: duo-kopie, role: duo, oin: \"00000001800866473000\", name: DUO, endpoint: \"https://gm0363.localhost:\(port)/inbox/gm0363\", caBundle: var/pki/ca.pem }\n  - { id: ind,"
                )
            default:
                return yaml.replacingOccurrences(of: "{ id: duo, role: duo,", with: "{ id: duo, role: gemeente, gemeente: GM0999,")
            }
        }
        _ = try fixture.ingestConsent(
            [ConsentLine(id: "T-A", bsn: Self.a, purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 19))], runtime: runtime)
        let report = try fixture.ingestAdvice([Advice.line("ARG-2026-000020", Self.a, marker: "MARKER-HOSTILE")], runtime: runtime)
        #expect(report.release.released.isEmpty)
        #expect(report.release.held == ["ARG-2026-000020"])
        #expect(report.release.notReleasable?.contains("allows only role duo") == true)
        #expect(try fixture.batches().isEmpty)
        _ = try await fixture.deliver(runtime)
        #expect(try fixture.receivedFiles().isEmpty)
    }

    @Test("an advice sealed for DUO is not delivered when the configuration later gives the id `duo` to another organisation")
    func reassignedAfterSealing() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        _ = try fixture.ingestConsent(
            [ConsentLine(id: "T-A", bsn: Self.a, purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 19))],
            runtime: fixture.runtime)
        let report = try fixture.ingestAdvice([Advice.line("ARG-2026-000030", Self.a, marker: "MARKER-MOVED")], runtime: fixture.runtime)
        #expect(report.release.released == ["ARG-2026-000030"])
        let changed = try fixture.restarted(at: Self.t0) { yaml in
            yaml.replacingOccurrences(
                of: "{ id: duo, role: duo, oin: \"00000001800866472000\"", with: "{ id: duo, role: duo, oin: \"00000001002564449000\"")
        }
        let round = try await fixture.deliver(changed)
        #expect(round.deadLettered == ["argonaut-advies-ARG-2026-000030"])
        #expect(try fixture.receivedFiles().isEmpty)
    }

    @Test("an outbound mapping sending the advice to any other role is refused when it loads")
    func hostileMapping() throws {
        try TempDirectory.with { directory in
            for partner in ["gemeente", "ind", "cbs"] {
                let file = try directory.write(
                    "hostile-\(partner).yaml",
                    """
                    id: hostile
                    partner: \(partner)
                    direction: outbound
                    contract: argonaut-advies
                    codec: json
                    fields:
                      - field: toelichting
                        target: "toelichting"
                    """)
                let error = #expect(throws: KetenpoortError.self) {
                    try AdapterMapping.load(contentsOf: file, contracts: try Repository.workspace().contracts)
                }
                #expect(error?.code == .adapterInvalid)
            }
            let contract = try Repository.workspace().contracts.contract("argonaut-advies")
            let outbound = try OutboundAdapter(mapping: try Repository.workspace().adapters.mapping("duo-medisch-advies"))
            #expect(AdviceRecipient.allowedRoles(contract: contract, outbound: outbound) == [.duo])
        }
    }
}
