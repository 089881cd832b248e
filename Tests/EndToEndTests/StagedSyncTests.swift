import Exchanges
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// The nightly sync applied in short steps (issue 12): killed at each of its commit points, it
/// ends — once the same snapshot is given again — exactly as a night never interrupted: the same
/// notifications sealed once each, the same sent state. The kill points are chosen through
/// `FaultPoint`, not by timing.
@Suite("Staged nightly sync", .serialized)
struct StagedSyncTests {
    static let nights = ["tvs-export-20261121.csv", "tvs-export-20261122.csv"]
    /// The points a sync commits at, and the n-th time each is reached.
    static let faults = ["sync.begun:1", "sync.batch-committing:1", "sync.batch-committed:1", "sync.batch-committed:3", "sync.finished:1"]

    /// What a store ends with: every sealed notification (repeats kept) and the sent state.
    struct Outcome: Equatable {
        let notifications: [String]
        let sent: [String]

        init(_ fixture: SyncFixture) throws {
            var notifications: [String] = []
            for batch in try fixture.runtime.store.read({ try $0.storedBatches(status: nil) }) {
                let contents = try BatchContents.parse(batch.payload)
                notifications += contents.notifications.map { "\(contents.rootAttributes["gemeente"] ?? "?") \($0.soort) \($0.key)" }
            }
            self.notifications = notifications.sorted()
            var sent: [String] = []
            try fixture.runtime.store.read { tx in try tx.forEachSentByPerson { sent.append("\($0.gemeente) \($0.person.value) \($0.contentHash)") } }
            self.sent = sent
        }
    }

    static func sync(_ fixture: SyncFixture, _ night: String, fault: String? = nil) async throws -> CLI.Output {
        var environment: [String: String] = [:]
        if let fault {
            environment["KETENPOORT_TESTING"] = "1"
            environment["KETENPOORT_FAULT"] = fault
        }
        return try await CLI.runDetached(
            ["sync", "coa-gemeenten", Repository.sample("coa", night).path, "--config", fixture.directory.file("ketenpoort.yaml").path],
            environment: environment)
    }

    @Test(
        "SIGKILL at every commit point of either night: after the same snapshot is given again, nothing is lost and nothing sealed twice",
        arguments: TestEngine.allCases)
    func killedAtEachCommitPoint(engine: TestEngine) async throws {
        let clean = try await SyncFixture(maxBatchRecords: 2, engine: engine)
        defer { clean.directory.remove() }
        for night in Self.nights { #expect(try await Self.sync(clean, night).status == 0) }
        let expected = try Outcome(clean)
        #expect(expected.notifications.count > 20)
        #expect(Set(expected.notifications).count == expected.notifications.count)

        for fault in Self.faults {
            for crashed in Self.nights {
                let fixture = try await SyncFixture(maxBatchRecords: 2, engine: engine)
                defer { fixture.directory.remove() }
                for night in Self.nights {
                    guard night == crashed else {
                        #expect(try await Self.sync(fixture, night).status == 0)
                        continue
                    }
                    let killed = try await Self.sync(fixture, night, fault: fault)
                    #expect(killed.status == SIGKILL, "\(fault) in \(night) was not reached: \(killed)")
                    let again = try await Self.sync(fixture, night)
                    if fault == "sync.finished:1" {
                        // Committed whole before the kill: the same file again is refused as applied, not redone.
                        #expect(again.status == 1 && again.stderr.contains("applied already"), "\(again)")
                    } else {
                        #expect(again.status == 0, "\(fault) in \(night), then again: \(again)")
                    }
                }
                let actual = try Outcome(fixture)
                #expect(actual.notifications == expected.notifications, "killed at \(fault) in \(crashed)")
                #expect(actual.sent == expected.sent, "killed at \(fault) in \(crashed)")
                #expect(
                    try await fixture.runtime.store.read { try $0.syncRun(CoaGemeenteSync.runID(CalendarDate(year: 2026, month: 11, day: 22)!)) }
                        == nil)
            }
        }
    }

    @Test("a resumed night reports the whole night, and seals its rest under the moment the night began", arguments: TestEngine.allCases)
    func resumedReport(engine: TestEngine) async throws {
        let clean = try await SyncFixture(maxBatchRecords: 2, engine: engine)
        defer { clean.directory.remove() }
        let expected = try clean.sync(Self.nights[0])
        let fixture = try await SyncFixture(maxBatchRecords: 2, engine: engine)
        defer { fixture.directory.remove() }
        #expect(try await Self.sync(fixture, Self.nights[0], fault: "sync.batch-committed:2").status == SIGKILL)
        let resumed = try fixture.sync(Self.nights[0])
        #expect(resumed.notifications == expected.notifications)
        #expect(resumed.perMunicipality == expected.perMunicipality)
        #expect(resumed.batches == expected.batches)
        let created = Set(try await fixture.runtime.store.read { try $0.storedBatches(status: nil) }.map(\.createdAt))
        #expect(created.count == 1)
    }

    @Test("a snapshot applied before the gateway could move it is filed as processed, with a note, not as rejected", arguments: TestEngine.allCases)
    func appliedSnapshotInDropFolder(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let folder = fixture.directory.file("drop")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent(Self.nights[0])
        try FileManager.default.copyItem(at: Repository.sample("coa", Self.nights[0]), to: file)
        _ = try fixture.runtime.coaGemeenteSync().run(input: file)
        // The catch-up after a restart finds the file still waiting.
        let reports = try DropFolderSync(sync: try fixture.runtime.coaGemeenteSync(), folder: folder).runWaiting()
        #expect(reports.isEmpty)
        let processed = folder.appendingPathComponent("processed")
        #expect(FileManager.default.fileExists(atPath: processed.appendingPathComponent(Self.nights[0]).path))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("rejected/\(Self.nights[0])").path))
        let note = try String(contentsOf: processed.appendingPathComponent(Self.nights[0] + ".note.txt"), encoding: .utf8)
        #expect(note.contains("applied already"))
    }
}
