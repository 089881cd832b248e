import Contracts
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import PropertyBased
import Store
import StoreSQLite
import Testing

/// A store with the consent feed applied through the real pipeline, each file at its own moment.
struct ConsentRegisterFixture {
    let directory: TempDirectory
    let store: SQLiteStore

    init() throws {
        directory = try TempDirectory()
        store = try SQLiteStore(path: directory.file("ketenpoort.sqlite").path)
    }

    @discardableResult
    func ingest(_ lines: [ConsentLine], at moment: Date, name: String = "toestemming") throws -> ConsentIngestReport {
        try ingest(text: ConsentLine.file(lines), at: moment, name: name)
    }

    @discardableResult
    func ingest(text: String, at moment: Date, name: String = "toestemming") throws -> ConsentIngestReport {
        let file = try directory.write("\(name)-\(Int(moment.timeIntervalSince1970)).jsonl", text)
        return try ConsentIngest(workspace: try Repository.workspace(), store: store, advice: nil, clock: FixedWallClock(moment)).run(file: file)
    }

    func valid(_ bsn: String, _ purpose: String, _ recipient: String, at moment: Date, asKnownAt: Date? = nil) throws -> ConsentVersion? {
        try store.read { tx in
            try ConsentRegister.validConsent(bsn: bsn, purpose: purpose, recipient: recipient, at: moment, asKnownAt: asKnownAt, in: tx)
        }
    }
}

@Suite("Consent register")
struct ConsentRegisterTests {
    static let purposes = ["medisch-advies", "gezondheid-gemeente"]
    static let recipients = ["DUO", "GM0363", "gm0344"]

    /// A random history: a few files of lines over four consent ids (each bound to one subject).
    static func history(seed: Int) -> [[ConsentLine]] {
        var rng = SplitMix64(seed: UInt64(seed))
        func pick<T>(_ values: [T]) -> T { values[Int(rng.next() % UInt64(values.count))] }
        func hours(_ range: ClosedRange<Int>) -> Double { Double(range.lowerBound + Int(rng.next() % UInt64(range.count))) }
        let ids = (1...4).map { "T-\($0)" }
        let subjects = Dictionary(uniqueKeysWithValues: ids.map { ($0, pick(Array(Subjects.bsns.prefix(3)))) })
        return (0..<(1 + Int(rng.next() % 4))).map { _ in
            (0..<(1 + Int(rng.next() % 5))).map { _ in
                let id = pick(ids)
                let given = ConsentTime.at(days: 0, hours: hours(0...240))
                var line = ConsentLine(id: id, bsn: subjects[id]!, purpose: pick(purposes), recipient: pick(recipients), givenAt: given)
                if rng.next() % 3 == 0 { line.validUntil = given.addingTimeInterval(hours(-48...360) * 3600) }
                if rng.next() % 3 == 0 { line.withdrawnAt = given.addingTimeInterval(hours(0...240) * 3600) }
                return line
            }
        }
    }

    @Test("for random histories and moments, the register answers exactly what §7 says, now and as known at any ingest")
    func matchesTheRule() async throws {
        await propertyCheck(count: 60, input: Gen.int(in: 0...Int(UInt32.max))) { seed in
            let files = Self.history(seed: seed)
            let fixture = try! ConsentRegisterFixture()
            defer { fixture.directory.remove() }
            var history: [(line: ConsentLine, receivedAt: Date)] = []
            var ingests: [Date] = []
            for (index, lines) in files.enumerated() {
                let received = ConsentTime.at(days: 21, hours: Double(index))
                let report = try! fixture.ingest(lines, at: received)
                #expect(report.validation.quarantined == 0, "\(report.validation.findings)")
                #expect(report.isBalanced)
                history += lines.map { ($0, received) }
                ingests.append(received)
            }
            var rng = SplitMix64(seed: UInt64(seed) ^ 0x5eed)
            for _ in 0..<40 {
                let moment = ConsentTime.at(days: -1, hours: Double(rng.next() % (32 * 24)))
                let known: Date? = rng.next() % 2 == 0 ? nil : ingests[Int(rng.next() % UInt64(ingests.count))]
                for bsn in Subjects.bsns.prefix(3) {
                    for purpose in Self.purposes {
                        for recipient in ["DUO", "GM0363", "GM0344"] {
                            let answer = try! fixture.valid(bsn, purpose, recipient, at: moment, asKnownAt: known) != nil
                            let expected = ConsentLine.expected(
                                history, bsn: bsn, purpose: purpose, recipient: recipient, at: moment, asKnownAt: known)
                            #expect(answer == expected, "seed \(seed): \(purpose) \(recipient) at \(moment) as known at \(String(describing: known))")
                        }
                    }
                }
            }
        }
    }

    @Test("a later line supersedes an earlier one, all versions are kept with the time they arrived, and a repeat adds nothing")
    func supersessionAndHistory() throws {
        let fixture = try ConsentRegisterFixture()
        defer { fixture.directory.remove() }
        let bsn = Subjects.bsns[0]
        var line = ConsentLine(id: "T-1", bsn: bsn, purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 1))
        let original = line
        let first = try fixture.ingest([line], at: ConsentTime.at(days: 2))
        #expect(first.applied == 1)
        line.withdrawnAt = ConsentTime.at(days: 5)
        let second = try fixture.ingest([line, line], at: ConsentTime.at(days: 6))
        #expect(second.applied == 1 && second.unchanged == 1)
        let versions = try fixture.store.read { try $0.consentVersions(id: "T-1") }
        #expect(versions.map(\.version) == [1, 2])
        #expect(versions.map(\.receivedAt) == [ConsentTime.at(days: 2), ConsentTime.at(days: 6)])
        // Valid on day 3 and not on day 5, judged on the latest version.
        #expect(try fixture.valid(bsn, "medisch-advies", "DUO", at: ConsentTime.at(days: 3))?.reference == "T-1#2")
        #expect(try fixture.valid(bsn, "medisch-advies", "DUO", at: ConsentTime.at(days: 5)) == nil)
        // As known on day 4 (before the withdrawal arrived), day 5 looked valid.
        #expect(
            try fixture.valid(bsn, "medisch-advies", "DUO", at: ConsentTime.at(days: 5), asKnownAt: ConsentTime.at(days: 4))?.reference == "T-1#1")
        // Replaying the original line does not revive the withdrawn consent.
        let replay = try fixture.ingest([original], at: ConsentTime.at(days: 7))
        #expect(replay.applied == 0 && replay.unchanged == 1)
        #expect(try fixture.valid(bsn, "medisch-advies", "DUO", at: ConsentTime.at(days: 6)) == nil)
        // Purpose and recipient bind: nothing for another recipient or purpose.
        #expect(try fixture.valid(bsn, "medisch-advies", "GM0363", at: ConsentTime.at(days: 3)) == nil)
        #expect(try fixture.valid(bsn, "gezondheid-gemeente", "DUO", at: ConsentTime.at(days: 3)) == nil)
        // The versions are append-only.
        #expect(throws: (any Error).self) {
            try fixture.store.write { tx in
                try tx.appendConsentVersion(versions[0])
            }
        }
    }

    @Test("malformed and invalid lines are quarantined with their line number and rule code; the counts add up")
    func quarantine() throws {
        let fixture = try ConsentRegisterFixture()
        defer { fixture.directory.remove() }
        let good = ConsentLine(id: "T-1", bsn: Subjects.bsns[0], purpose: "medisch-advies", recipient: "DUO", givenAt: ConsentTime.at(days: 1))
        var otherSubject = good
        otherSubject.bsn = Subjects.bsns[1]
        var badRecipient = good
        badRecipient.id = "T-2"
        badRecipient.recipient = "IND"
        var badBSN = good
        badBSN.id = "T-3"
        badBSN.bsn = "123456789"
        var future = good
        future.id = "T-4"
        future.givenAt = ConsentTime.at(days: 30)
        var withdrawnBefore = good
        withdrawnBefore.id = "T-5"
        withdrawnBefore.withdrawnAt = ConsentTime.at(days: 0)
        let text =
            [
                good.json, "{\"toestemmingId\": \"T-9\", broken", "", otherSubject.json, badRecipient.json, badBSN.json, future.json,
                withdrawnBefore.json,
            ]
            .joined(separator: "\n") + "\n"
        let report = try fixture.ingest(text: text, at: ConsentTime.at(days: 2))
        #expect(report.validation.items == 7)
        #expect(report.applied == 1)
        #expect(report.validation.quarantined == 6)
        #expect(report.isBalanced)
        let found = report.validation.findings.map { "\($0.position.number) \($0.rule.rawValue)" }
        #expect(
            found == [
                "2 record.malformed", "4 consent.subject-changed", "5 consent.recipient", "6 field.bsn", "7 field.future",
                "8 record.ingetrokken-before-gegeven",
            ])
        let stored = try fixture.store.read { try $0.quarantined(run: report.run) }
        #expect(stored.map(\.position) == ["line 2", "line 4", "line 5", "line 6", "line 7", "line 8"])
        #expect(stored.allSatisfy { !$0.message.contains(Subjects.bsns[0]) && !$0.message.contains(Subjects.bsns[1]) })
    }

    @Test("the sample feed applies: T-102 has two versions, the last one withdrawn")
    func sample() throws {
        let fixture = try ConsentRegisterFixture()
        defer { fixture.directory.remove() }
        let file = Repository.sample("toestemming", "toestemming-20261122.jsonl")
        let report = try ConsentIngest(workspace: try Repository.workspace(), store: fixture.store, advice: nil, clock: Clock.referenceDay).run(
            file: file)
        #expect(report.applied == 8 && report.validation.quarantined == 0)
        #expect(try fixture.store.read { try $0.consentVersions(id: "T-102") }.last?.withdrawnAt != nil)
        #expect(try fixture.valid("580552676", "medisch-advies", "DUO", at: Clock.referenceDay.now()) == nil)
        #expect(try fixture.valid("282295215", "medisch-advies", "DUO", at: Clock.referenceDay.now()) != nil)
        let again = try ConsentIngest(workspace: try Repository.workspace(), store: fixture.store, advice: nil, clock: Clock.referenceDay).run(
            file: file)
        #expect(again.applied == 0 && again.unchanged == 8)
    }
}
