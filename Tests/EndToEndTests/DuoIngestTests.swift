import Contracts
import Exchanges
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// The DUO ingest (issue 4 §1): an extract is applied to the status store as a whole or not at all.
@Suite("DUO ingest")
struct DuoIngestTests {
    static let first = "duo-inburgering-20261122.dat"
    static let second = "duo-inburgering-20261123.dat"

    func ingest(_ fixture: SyncFixture, _ file: URL) throws -> DuoIngestReport { try fixture.runtime.duoIngest().run(file: file) }
    func ingest(_ fixture: SyncFixture, sample: String) throws -> DuoIngestReport { try ingest(fixture, Repository.sample("duo", sample)) }

    @Test(
        "the first extract sets the baseline; the next one replaces the state: new, changed, unchanged and absent persons",
        arguments: TestEngine.allCases)
    func baselineThenNext(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let first = try ingest(fixture, sample: Self.first)
        #expect(first.outcome == .applied)
        #expect(first.previousSequence == nil)
        #expect(first.sequence == 42)
        #expect(first.creationDate == "2026-11-22")
        #expect(first.inserted == 30 && first.persons == 30 && first.removed == 0)
        #expect(first.isBalanced)

        let before = try StatusStoreContents(fixture.runtime.store)
        let second = try ingest(fixture, sample: Self.second)
        let bsns = Set(try DuoExtractFile.details(Self.second).map { String($0.dropFirst().prefix(9)) })
        let common = before.statuses.filter { bsns.contains($0.bsn) }.count
        #expect(second.outcome == .applied)
        #expect(second.previousSequence == 42 && second.sequence == 43)
        #expect(second.inserted == 5 - common)
        #expect(second.changed + second.unchanged == common)
        #expect(second.removed == 30 - common)
        #expect(second.persons == 5)
        let after = try StatusStoreContents(fixture.runtime.store)
        #expect(Set(after.statuses.map(\.bsn)) == bsns)
        #expect(after.lastExtract?.sequence == 43)
        #expect(after.lastExtract?.creationDate == CalendarDate(year: 2026, month: 11, day: 23))
        #expect(after.lastExtract?.records == 5)

        // The typed record: dates ISO, flags, birth date as DUO sends it.
        let status = try await #require(try fixture.runtime.store.duoStatus.read { try $0.duoStatus(bsn: "132872481") })
        #expect(
            status
                == DuoStatus(
                    bsn: "132872481", regime: "1", doelgroep: "A", plichtStart: "2022-09-09", termijnEinde: "2025-09-09", status: "PN",
                    statusdatum: "2026-11-21", leerroute: "Z", leerrouteStart: "2023-03-29", pipDatum: "2023-02-16", pipInAzc: true, taalniveau: "A1",
                    aantalBoetes: 0, invorderingGepauzeerd: false, gemeente: "GM0772", geslacht: "V", geboortedatum: "19621230", landHerkomst: "ERI",
                    werkend: true, vervolgonderwijs: false))
        // Applied extracts are on the audit chain.
        let applied = try await fixture.runtime.store.read { try $0.auditEntries(kind: "duo.extract-applied", field: "file", equals: Self.second) }
        #expect(applied.count == 1)
        #expect(!applied[0].payload.contains("132872481"))
    }

    @Test("the very same file again is a no-op that says so; an older applied file is rejected", arguments: TestEngine.allCases)
    func reapply(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try ingest(fixture, sample: Self.first)
        _ = try ingest(fixture, sample: Self.second)
        let before = try StatusStoreContents(fixture.runtime.store)
        let again = try ingest(fixture, sample: Self.second)
        #expect(again.outcome == .alreadyApplied)
        #expect(again.sequence == 43)
        #expect(again.reason?.contains("applied already") == true)
        #expect(try StatusStoreContents(fixture.runtime.store) == before)

        let older = try ingest(fixture, sample: Self.first)
        #expect(older.outcome == .rejected)
        #expect(older.validation.findings.map(\.rule) == [.sequence])
        #expect(try StatusStoreContents(fixture.runtime.store) == before)
    }

    /// Each case: the file's detail lines, sequence, trailer overrides, and the rule that rejects it.
    static let fileErrors: [(String, Int, Int?, Int?, RuleCode)] = [
        ("corrupted trailer count", 43, 4, nil, .recordCount),
        ("wrong control total", 43, nil, 1_944_078_553, .controlTotal),
        ("sequence gap", 45, nil, nil, .sequence),
        ("sequence used before, other bytes", 42, nil, nil, .sequence),
    ]

    @Test("a file-level error leaves the store exactly as it was", arguments: fileErrors)
    func fileLevelErrors(name: String, sequence: Int, count: Int?, total: Int?, rule: RuleCode) async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        _ = try ingest(fixture, sample: Self.first)
        let before = try StatusStoreContents(fixture.runtime.store)
        let file = try DuoExtractFile.write(
            try DuoExtractFile.details(Self.second), sequence: sequence, count: count, total: total, in: fixture.directory)
        let report = try ingest(fixture, file)
        #expect(report.outcome == .rejected, "\(name)")
        #expect(report.validation.findings.contains { $0.rule == rule && $0.level == .file }, "\(name): \(report.validation.findings)")
        #expect(report.inserted + report.changed + report.removed == 0)
        #expect(report.persons == 30)
        #expect(try StatusStoreContents(fixture.runtime.store) == before, "\(name)")
        // The rejection is on record: its findings and the audit chain.
        let runs = try await fixture.runtime.store.read { try $0.runs(job: DuoIngest.job) }
        #expect(runs.count == 2)
        #expect(
            try await fixture.runtime.store.read { try $0.auditEntries(kind: "duo.extract-rejected", field: "sha256", equals: report.sha256) }.count
                == 1)
    }

    @Test(
        "the repository's broken fixtures are rejected and change nothing",
        arguments: ["duo-bad-trailer-count.dat", "duo-bad-control-total.dat", "duo-missing-trailer.dat"])
    func brokenFixtures(file: String) async throws {
        let fixture = try await SyncFixture()
        defer { fixture.directory.remove() }
        _ = try ingest(fixture, sample: Self.first)
        let before = try StatusStoreContents(fixture.runtime.store)
        #expect(try ingest(fixture, Repository.fixture(file)).outcome == .rejected)
        #expect(try StatusStoreContents(fixture.runtime.store) == before)
    }

    @Test(
        "killed between applying an extract and recording it: the next ingest records it once, from the report kept with it",
        arguments: TestEngine.allCases)
    func killedBeforeItsRecord(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try ingest(fixture, sample: Self.first)
        var details = try DuoExtractFile.details(Self.first)
        details[1] = DuoExtractFile.replacing(details[1], at: 29, with: "XX")
        let file = try DuoExtractFile.write(details, sequence: 43, in: fixture.directory)
        let killed = try await CLI.runDetached(
            ["ingest", "duo", file.path, "--config", fixture.directory.file("ketenpoort.yaml").path],
            environment: ["KETENPOORT_TESTING": "1", "KETENPOORT_FAULT": "duo.applied:1"])
        #expect(killed.status == SIGKILL, "\(killed)")
        let store = fixture.runtime.store
        // The IND sees the new extract already; the store has no record of it yet.
        #expect(try await store.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 43)
        #expect(try await !store.read { try $0.isDuoExtractRecorded(sequence: 43) })

        let again = try ingest(fixture, file)
        #expect(again.outcome == .alreadyApplied)
        #expect(try ingest(fixture, file).outcome == .alreadyApplied)
        let runID = RunID("\(DuoIngest.job)-\(again.sha256.prefix(16))")
        try await store.read { tx throws in
            #expect(try tx.isDuoExtractRecorded(sequence: 43))
            #expect(try tx.runs(job: DuoIngest.job).map(\.id).filter { $0 == runID }.count == 1)
            #expect(try tx.quarantined(run: runID).map { "\($0.position) \($0.rule)" } == ["record 3 field.enum"])
            var applied: [String] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { if $0.kind == "duo.extract-applied" { applied.append($0.payload) } }
            #expect(applied.count == 2)
            #expect(applied.last?.contains("\"sequence\":43") == true)
        }
    }

    @Test("quarantined records are reported with record number and rule code; their persons keep the previous status", arguments: TestEngine.allCases)
    func quarantine(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try ingest(fixture, sample: Self.first)
        let before = try StatusStoreContents(fixture.runtime.store)
        var details = try DuoExtractFile.details(Self.first)
        // Record 2 (line 3): an unknown status code; record 5: a malformed (short) line; record 7: a BSN failing the 11-test;
        // records 9 and 10: the same BSN twice (a person the store knows).
        details[1] = DuoExtractFile.replacing(details[1], at: 29, with: "XX")
        details[4] = String(details[4].prefix(90))
        details[6] = DuoExtractFile.replacing(details[6], at: 2, with: "123456789")
        details[9] = DuoExtractFile.replacing(details[9], at: 2, with: String(details[8].dropFirst().prefix(9)))
        // Record 12 is changed cleanly, so the file does change the store.
        details[11] = DuoExtractFile.replacing(details[11], at: 59, with: "07")
        let file = try DuoExtractFile.write(details, sequence: 43, in: fixture.directory)
        let report = try ingest(fixture, file)
        #expect(report.outcome == .applied)
        let found = Set(report.validation.findings.map { "\($0.position) \($0.rule)" })
        #expect(
            found == ["record 3 field.enum", "record 6 record.malformed", "record 8 field.bsn", "record 10 record.unique", "record 11 record.unique"])
        #expect(report.validation.quarantined == 5)
        // Kept: the bad status, the malformed line (its BSN still readable) and both records of the duplicated BSN.
        #expect(report.kept == 4)
        // The failing BSN: nobody to keep.
        #expect(report.unidentified == 1)
        #expect(report.notAdded == 0)
        #expect(report.changed == 1)
        #expect(report.isBalanced)

        let after = try StatusStoreContents(fixture.runtime.store)
        let old = Dictionary(uniqueKeysWithValues: before.statuses.map { ($0.bsn, $0) })
        let new = Dictionary(uniqueKeysWithValues: after.statuses.map { ($0.bsn, $0) })
        for index in [1, 4, 8] {
            let bsn = String(try DuoExtractFile.details(Self.first)[index].dropFirst().prefix(9))
            #expect(new[bsn] == old[bsn], "record \(index + 2) keeps its previous status")
        }
        // The person whose BSN was overwritten (record 8) is absent from the file: removed. Record 10's person too.
        let removedRecord8 = String(try DuoExtractFile.details(Self.first)[6].dropFirst().prefix(9))
        let removedRecord11 = String(try DuoExtractFile.details(Self.first)[9].dropFirst().prefix(9))
        #expect(new[removedRecord8] == nil && new[removedRecord11] == nil)
        #expect(report.removed == 2)
        #expect(new[String(details[11].dropFirst().prefix(9))]?.aantalBoetes == 7)
        // The findings are kept in the quarantine register, by record number and rule, without values.
        let quarantined = try await fixture.runtime.store.read { try $0.quarantined(run: RunID("\(DuoIngest.job)-\(report.sha256.prefix(16))")) }
        #expect(quarantined.map(\.position).sorted() == ["record 10", "record 11", "record 3", "record 6", "record 8"])
    }

    @Test("the drop folder takes waiting extracts oldest first and files them by outcome", arguments: TestEngine.allCases)
    func dropFolder(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let folder = fixture.directory.file("inbox/duo")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for sample in [Self.second, Self.first] {
            try FileManager.default.copyItem(at: Repository.sample("duo", sample), to: folder.appendingPathComponent(sample))
        }
        try FileManager.default.copyItem(
            at: Repository.fixture("duo-bad-control-total.dat"), to: folder.appendingPathComponent("duo-inburgering-20261124.dat"))
        let reports = try DropFolderDuoIngest(ingest: try fixture.runtime.duoIngest(), folder: folder).runWaiting()
        #expect(reports.map(\.outcome) == [.applied, .applied, .rejected])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("processed").path).sorted() == [
                Self.first, Self.second,
            ])
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("rejected").path) == ["duo-inburgering-20261124.dat"])
        #expect(try await fixture.runtime.store.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 43)
    }

    @Test("a generated national-style extract round-trips: every generated status is what the store holds", arguments: TestEngine.allCases)
    func generatedRoundTrip(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let generator = DuoPopulationGenerator(persons: 2_000)
        let file = fixture.directory.file("duo-inburgering-20261122.dat")
        try generator.write(to: file, created: CalendarDate(year: 2026, month: 11, day: 22)!, sequence: 1)
        let report = try ingest(fixture, file)
        #expect(report.outcome == .applied)
        #expect(report.validation.quarantined == 0, "\(report.validation.findings.prefix(3))")
        var generated: [DuoStatus] = []
        generator.forEach { generated.append($0) }
        #expect(try StatusStoreContents(fixture.runtime.store).statuses == generated.sorted { $0.bsn < $1.bsn })
        let next = fixture.directory.file("duo-inburgering-20261123.dat")
        try generator.write(to: next, created: CalendarDate(year: 2026, month: 11, day: 23)!, sequence: 2, variant: 1)
        let nextReport = try ingest(fixture, next)
        #expect(nextReport.outcome == .applied && nextReport.removed > 0 && nextReport.inserted > 0 && nextReport.changed > 0)
    }
}
