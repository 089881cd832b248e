import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

/// The IND's real-time answers never wait for batch work (issue 12): a nightly sync, a DUO ingest
/// and a CBS delivery are each held — SIGSTOPped through `FaultPoint` — inside a write transaction
/// of the store, and the IND's question is answered, its processing-log entry committed, meanwhile.
@Suite("The real-time path beside batch work", .serialized)
struct RealTimePathTests {
    static let environment = ["KETENPOORT_TESTING": "1", "KETENPOORT_NOW": "2026-11-24T12:00:00+01:00"]

    /// Starts `ketenpoort <arguments>` against the fixture's configuration, to be held at `fault`.
    static func launch(_ fixture: StatusAPIFixture, _ arguments: [String], heldAt fault: String) throws -> Process {
        try CLI.launch(
            arguments + ["--config", fixture.directory.file("ketenpoort.yaml").path],
            environment: environment.merging(["KETENPOORT_FAULT": fault + ":stop"]) { $1 })
    }

    /// Waits until `process` has stopped itself (its state in /proc is `T`), or has ended.
    static func waitUntilHeld(_ process: Process) async throws -> Bool {
        while process.isRunning {
            let stat = (try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8)) ?? ""
            if let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "T" { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    /// Lets `process` go on and waits for its exit status.
    static func release(_ process: Process) async -> Int32 {
        kill(process.processIdentifier, SIGCONT)
        return await CLI.exitStatus(of: process)
    }

    /// Asks about one person and checks the answer and its processing-log entry.
    static func ask(_ fixture: StatusAPIFixture, _ person: Int, peildatum: String) async throws {
        let bsn = StatusAPIFixture.persons[person].bsn
        let response = try await fixture.post("/statusvragen", StatusAPITests.single(bsn))
        #expect(response.status == 200, "\(response.text)")
        #expect(response.json["peildatum"] as? String == peildatum)
        let subject = try fixture.runtime.subjectPseudonym().of(PersonKey(value: "b:" + bsn))
        #expect(try await fixture.runtime.store.processingLog.processings(subject: subject).count == 1)
    }

    @Test("an IND question is answered while a nightly sync holds a batch transaction open")
    func duringSync() async throws {
        try await StatusAPIFixture.run { fixture in
            let sync = try Self.launch(
                fixture, ["sync", "coa-gemeenten", Repository.sample("coa", "tvs-export-20261121.csv").path], heldAt: "sync.batch-committing:1")
            #expect(try await Self.waitUntilHeld(sync))
            try await Self.ask(fixture, 4, peildatum: "2026-11-23")
            #expect(await Self.release(sync) == 0)
            #expect(try await fixture.runtime.store.read { try $0.lastSnapshot(source: "coa") } != nil)
        }
    }

    @Test("an IND question is answered from the previous extract while a DUO ingest holds its transaction open")
    func duringDuoIngest() async throws {
        try await StatusAPIFixture.run { fixture in
            let next = fixture.directory.file("duo-inburgering-20261124.dat")
            try StatusAPIFixture.writeExtract(to: next, next: true)
            let ingest = try Self.launch(fixture, ["ingest", "duo", next.path], heldAt: "duo.record-applying:1")
            #expect(try await Self.waitUntilHeld(ingest))
            #expect(try await fixture.runtime.store.duoStatus.read { try $0.lastDuoExtract() }?.sequence == 42)
            // The new extract is not applied whole yet: the answer is the previous one's.
            try await Self.ask(fixture, 0, peildatum: "2026-11-23")
            #expect(await Self.release(ingest) == 0)
            try await Self.ask(fixture, 1, peildatum: "2026-11-24")
        }
    }

    @Test("an IND question is answered while a CBS delivery holds its sealing transaction open")
    func duringCbsDelivery() async throws {
        try await StatusAPIFixture.run { fixture in
            let key = fixture.directory.file("var/secrets/cbs-delivery-key")
            try FileManager.default.createDirectory(at: key.deletingLastPathComponent(), withIntermediateDirectories: true)
            #expect(
                FileManager.default.createFile(
                    atPath: key.path, contents: Data("real-time-path-test-key".utf8), attributes: [.posixPermissions: 0o600]))
            let delivery = try Self.launch(
                fixture, ["deliver", "cbs", "--source", "duo", "--period", "2026Q3", "--no-push"], heldAt: "cbs.sealing:1")
            #expect(try await Self.waitUntilHeld(delivery))
            try await Self.ask(fixture, 2, peildatum: "2026-11-23")
            #expect(await Self.release(delivery) == 0)
        }
    }
}
