import Foundation
import KetenpoortCore
import KetenpoortTesting
import PropertyBased
import Store
import Testing

@testable import Exchanges
@testable import Gateway

/// Three persons with health notes (unique markers): two with a BSN, one with a V-number only.
enum HealthWorld {
    static let persons = [
        (bsn: Subjects.bsns[0], vnummer: "1000000001", marker: "MARKER-HEALTH-0"),
        (bsn: Subjects.bsns[1], vnummer: "1000000002", marker: "MARKER-HEALTH-1"),
        (bsn: "", vnummer: "1000000003", marker: "MARKER-HEALTH-2"),
    ]
    static let municipalities = ["GM0363", "GM0344"]

    /// A COA snapshot linking person i to `links[i]` (nil: not linked).
    static func snapshot(_ links: [String?]) -> String {
        COA.file(
            zip(persons, links).map { person, link in
                [
                    "BSN": person.bsn, "VNUMMER": person.vnummer, "GEZONDHEID": person.marker, "GEMEENTE": link ?? "",
                    "KOPPELDATUM": link == nil ? "" : "15-03-2026",
                ]
            })
    }

    /// Night `n` (1-based): 2026-11-(20+n) 01:00 UTC.
    static func night(_ n: Int) -> Date { ConsentTime.at(days: Double(19 + n), hours: 1) }
}

extension SyncFixture {
    /// The gateway at `moment` on its store `store` (one configuration file per store).
    func runtime(at moment: Date, store: String = "ketenpoort") throws -> GatewayRuntime {
        let config = directory.file("ketenpoort-\(store).yaml")
        if !FileManager.default.fileExists(atPath: config.path) {
            let yaml = try String(contentsOf: directory.file("ketenpoort.yaml"), encoding: .utf8)
            try yaml.replacingOccurrences(of: "path: var/ketenpoort.sqlite", with: "path: var/\(store).sqlite").write(
                to: config, atomically: true, encoding: .utf8)
        }
        return try GatewayRuntime(
            configuration: try GatewayConfiguration.load(contentsOf: config), workspaceRoot: Repository.root, clock: FixedWallClock(moment))
    }

    func ingestConsent(_ lines: [ConsentLine], runtime: GatewayRuntime) throws -> ConsentIngestReport {
        try runtime.consentIngest().run(file: try directory.write("toestemming-\(UUID().uuidString).jsonl", ConsentLine.file(lines)))
    }

    /// Night `n` of `HealthWorld` with `links`.
    func night(_ n: Int, links: [String?], runtime: GatewayRuntime) throws -> SyncReport {
        let file = try directory.write("tvs-\(UUID().uuidString).csv", HealthWorld.snapshot(links))
        return try runtime.coaGemeenteSync().run(input: file, date: CalendarDate(instant: HealthWorld.night(n)))
    }

    /// (municipality, soort, person key, carries health notes) of the batches of `run`.
    func healthNotes(run: RunID, store: any Store) throws -> Set<[String]> {
        var result = Set<[String]>()
        for batch in try store.read({ try $0.storedBatches(status: nil) }) where batch.id.value.hasPrefix(run.value) {
            let contents = try BatchContents.parse(batch.payload)
            for notification in contents.notifications {
                result.insert([
                    contents.rootAttributes["gemeente"] ?? "?", notification.soort, notification.key,
                    notification.elements.contains("Gezondheid") ? "health" : "-",
                ])
            }
        }
        return result
    }
}

@Suite("Health notes to municipalities only with consent")
struct HealthNotesTests {
    static let (p0, p1) = (HealthWorld.persons[0], HealthWorld.persons[1])

    @Test("with consent for its municipality a person's health notes go; a withdrawal sends a wijziging without them; consent binds the municipality")
    func consentAndWithdrawal() async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        var consent = ConsentLine(
            id: "T-G0", bsn: Self.p0.bsn, purpose: "gezondheid-gemeente", recipient: "GM0363", givenAt: ConsentTime.at(days: 10))
        let elsewhere = ConsentLine(
            id: "T-G1", bsn: Self.p1.bsn, purpose: "gezondheid-gemeente", recipient: "GM0344", givenAt: ConsentTime.at(days: 10))
        _ = try fixture.ingestConsent([consent, elsewhere], runtime: try fixture.runtime(at: HealthWorld.night(1).addingTimeInterval(-3600)))
        let night1 = try fixture.night(1, links: ["GM0363", "GM0363", "GM0363"], runtime: try fixture.runtime(at: HealthWorld.night(1)))
        #expect(
            try fixture.healthNotes(run: night1.run, store: fixture.runtime.store) == [
                ["GM0363", "nieuw", "v:1000000001", "health"], ["GM0363", "nieuw", "v:1000000002", "-"], ["GM0363", "nieuw", "v:1000000003", "-"],
            ])
        let decisions = try await fixture.runtime.store.read { try $0.decisions(reference: night1.run.value) }
        #expect(
            decisions.map { "\($0.recipient) \($0.isAllowed ? "allow" : "deny") \($0.consent ?? "-")" } == [
                "GM0363 allow T-G0#1", "GM0363 deny -", "GM0363 deny -",
            ])

        // The withdrawal arrives; the next night sends P0 a wijziging without the notes, nothing else.
        consent.withdrawnAt = HealthWorld.night(2).addingTimeInterval(-7200)
        _ = try fixture.ingestConsent([consent], runtime: try fixture.runtime(at: HealthWorld.night(2).addingTimeInterval(-3600)))
        let night2 = try fixture.night(2, links: ["GM0363", "GM0363", "GM0363"], runtime: try fixture.runtime(at: HealthWorld.night(2)))
        #expect(try fixture.healthNotes(run: night2.run, store: fixture.runtime.store) == [["GM0363", "wijziging", "v:1000000001", "-"]])
        #expect(night2.unchanged == 2)

        // P1 moves to the municipality their consent names: withdrawn at GM0363, new with notes at GM0344.
        let night3 = try fixture.night(3, links: ["GM0363", "GM0344", "GM0363"], runtime: try fixture.runtime(at: HealthWorld.night(3)))
        #expect(
            try fixture.healthNotes(run: night3.run, store: fixture.runtime.store) == [
                ["GM0363", "intrekking", "v:1000000002", "-"], ["GM0344", "nieuw", "v:1000000002", "health"],
            ])
    }

    @Test("the consent guard finds a consent-bound element without consent in the sealed bytes")
    func guardReadsTheBytes() throws {
        func contains(_ text: String) -> Bool { ConsentGuard.contains(Array(text.utf8), Array("<Gezondheid>".utf8)) }
        #expect(contains("<Kennisgeving><Intake><Gezondheid>x</Gezondheid></Intake></Kennisgeving>"))
        #expect(!contains("<Kennisgeving><Intake><Werkervaring>&lt;Gezondheid&gt;</Werkervaring></Intake></Kennisgeving>"))
        #expect(!contains("<Gezondheid"))
        #expect(contains("<<Gezondheid>"))
        #expect(!contains(""))
    }

    @Test("no sequence of consent feeds, advices and nights puts a health note or an advice at a recipient without consent valid at sealing")
    func neverWithoutConsent() async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        let tally = Tally()
        await propertyCheck(count: 15, input: Gen.int(in: 0...Int(UInt32.max))) { seed in
            var rng = SplitMix64(seed: UInt64(seed))
            func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
            let store = "store-\(seed)"
            var history: [(line: ConsentLine, receivedAt: Date)] = []
            var advices = 0
            var lastFeed: Date?
            for n in 1...4 {
                let night = HealthWorld.night(n)
                let feedTime = night.addingTimeInterval(-3600)
                // Consent lines: given, expiring, withdrawn, for either purpose and municipality (or DUO).
                var lines: [ConsentLine] = []
                for _ in 0..<Int(rng.next() % 4) {
                    let person = pick(Array(HealthWorld.persons.prefix(2)))
                    let purpose = pick(["gezondheid-gemeente", "medisch-advies"])
                    let recipient = purpose == "medisch-advies" ? pick(["DUO", "GM0363"]) : pick(HealthWorld.municipalities)
                    let given = feedTime.addingTimeInterval(-Double(rng.next() % (5 * 86400)))
                    var line = ConsentLine(id: "T-\(rng.next() % 6)", bsn: person.bsn, purpose: purpose, recipient: recipient, givenAt: given)
                    if let earlier = (history.map(\.line) + lines).last(where: { $0.id == line.id }) { line.bsn = earlier.bsn }
                    if rng.next() % 3 == 0 {
                        line.withdrawnAt = given.addingTimeInterval(Double(rng.next() % UInt64(max(1, feedTime.timeIntervalSince(given)))))
                    }
                    if rng.next() % 3 == 0 { line.validUntil = night.addingTimeInterval(Double(Int(rng.next() % (4 * 3600))) - 2 * 3600) }
                    lines.append(line)
                }
                let feed = try! fixture.runtime(at: feedTime, store: store)
                if !lines.isEmpty {
                    let report = try! fixture.ingestConsent(lines, runtime: feed)
                    #expect(report.validation.quarantined == 0, "\(report.validation.findings)")
                    history += lines.map { ($0, feedTime) }
                    lastFeed = feedTime
                }
                if rng.next() % 2 == 0 {
                    advices += 1
                    let person = pick(Array(HealthWorld.persons.prefix(2)))
                    let file = try! fixture.directory.write(
                        "advies-\(seed)-\(n).jsonl", Advice.line(String(format: "ARG-2026-%06d", advices), person.bsn, marker: "MARKER-ADVICE") + "\n"
                    )
                    _ = try! feed.adviceFlow().ingest(file: file)
                }
                let links = HealthWorld.persons.map { _ in rng.next() % 4 == 0 ? nil : pick(HealthWorld.municipalities) }
                _ = try! fixture.night(n, links: links, runtime: try! fixture.runtime(at: night, store: store))
            }
            // Every sealed batch: each health note and each advice had a valid consent at its sealing
            // moment; an advice still waiting to go has it at the last consent feed too (a withdrawal
            // recalls it), and a recalled one keeps nothing.
            let runtime = try! fixture.runtime(at: HealthWorld.night(5), store: store)
            for batch in try! await runtime.store.read({ try $0.storedBatches(status: nil) }) {
                let payload = String(decoding: batch.payload, as: UTF8.self)
                if batch.contract == "argonaut-advies" {
                    #expect(batch.recipient == "duo")
                    // A recalled batch keeps no text; its advice says whose it was.
                    let recalled = batch.status == .recalled
                    if recalled { #expect(payload.isEmpty, "seed \(seed): a recalled advice kept its text") }
                    let subject =
                        recalled ? try! await runtime.store.read { try $0.advices(status: .recalled) }.first { $0.batch == batch.id }?.bsn : nil
                    let bsn = try! #require(subject ?? HealthWorld.persons.first { payload.contains($0.bsn) && !$0.bsn.isEmpty }?.bsn)
                    #expect(
                        ConsentLine.expected(
                            history, bsn: bsn, purpose: "medisch-advies", recipient: "DUO", at: batch.createdAt, asKnownAt: batch.createdAt),
                        "seed \(seed)")
                    if let lastFeed, !recalled {
                        #expect(
                            ConsentLine.expected(history, bsn: bsn, purpose: "medisch-advies", recipient: "DUO", at: lastFeed, asKnownAt: lastFeed),
                            "seed \(seed): an advice waits to go to DUO after its consent ended")
                    }
                    tally.count(advice: true)
                    continue
                }
                let contents = try! BatchContents.parse(batch.payload)
                let gemeente = contents.rootAttributes["gemeente"] ?? "?"
                for notification in contents.notifications where notification.elements.contains("Gezondheid") {
                    let bsn = try! #require(notification.bsn, "a health note for a person without BSN (seed \(seed))")
                    tally.count(advice: false)
                    #expect(
                        ConsentLine.expected(
                            history, bsn: bsn, purpose: "gezondheid-gemeente", recipient: gemeente, at: batch.createdAt, asKnownAt: batch.createdAt),
                        "seed \(seed): a health note reached \(gemeente) without consent")
                }
            }
        }
        // The property was not vacuous: notes and advices did go, with consent.
        #expect(tally.healthNotes > 0 && tally.advices > 0, "\(tally.healthNotes) health notes, \(tally.advices) advices")
    }
}

/// Counts across property-check runs.
final class Tally: @unchecked Sendable {
    // @unchecked: every access holds `lock`.
    private let lock = NSLock()
    private var notes = 0, sent = 0
    func count(advice: Bool) { lock.withLock { if advice { sent += 1 } else { notes += 1 } } }
    var healthNotes: Int { lock.withLock { notes } }
    var advices: Int { lock.withLock { sent } }
}
