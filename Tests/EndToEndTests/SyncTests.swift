import Exchanges
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store
import Testing

@testable import Gateway

/// A gateway in a temporary directory: its own dev PKI, configuration and store.
extension SyncFixture {
    /// The notifications sealed in `run`, as (municipality, soort, person key).
    func notifications(run: RunID) throws -> Set<[String]> {
        var result = Set<[String]>()
        for batch in try runtime.store.read({ try $0.storedBatches(status: nil) }) where batch.id.value.hasPrefix(run.value) {
            let contents = try BatchContents.parse(batch.payload)
            for notification in contents.notifications {
                result.insert([contents.rootAttributes["gemeente"] ?? "?", notification.soort, notification.key])
            }
        }
        return result
    }
}

@Suite("Nightly sync COA → municipalities")
struct SyncTests {
    @Test("two consecutive nights give exactly the expected notifications per municipality", arguments: TestEngine.allCases)
    func twoNights(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let first = try fixture.sync("tvs-export-20261121.csv")
        #expect(first.validation.items == 8)
        #expect(
            try fixture.notifications(run: first.run) == [
                ["GM0363", "nieuw", "v:8354684874"], ["GM0772", "nieuw", "v:8592256469"], ["GM0344", "nieuw", "v:5843483101"],
                ["GM0014", "nieuw", "v:4082198227"], ["GM0344", "nieuw", "v:5730893229"],
            ])
        let second = try fixture.sync("tvs-export-20261122.csv")
        // Expected, worked out by hand from the two sample files: Ahmadzai re-linked GM0344 → GM0363,
        // Doğan's lesson hours and Al-Hassan's work experience changed, Tekle gone without a home
        // (withdrawn), Saleh gone after being housed (nothing), the rest new.
        let expected: Set<[String]> = [
            ["GM0014", "intrekking", "v:4082198227"], ["GM0014", "nieuw", "v:3772014288"], ["GM0014", "nieuw", "v:8484788403"],
            ["GM0344", "intrekking", "v:5843483101"], ["GM0344", "nieuw", "v:1375196640"], ["GM0344", "nieuw", "v:1698929004"],
            ["GM0344", "nieuw", "v:2964134116"], ["GM0344", "wijziging", "v:5730893229"], ["GM0363", "nieuw", "v:3246141627"],
            ["GM0363", "nieuw", "v:4739640175"], ["GM0363", "nieuw", "v:5843483101"], ["GM0363", "nieuw", "v:7937195562"],
            ["GM0363", "wijziging", "v:8354684874"], ["GM0518", "nieuw", "v:4061570830"], ["GM0518", "nieuw", "v:9981149649"],
            ["GM0599", "nieuw", "v:1378707117"], ["GM0599", "nieuw", "v:2891928638"], ["GM0599", "nieuw", "b:140170017"],
            ["GM0772", "nieuw", "v:6428348391"], ["GM0772", "nieuw", "v:9631129727"],
        ]
        let actual = try fixture.notifications(run: second.run)
        #expect(actual == expected, "extra: \(actual.subtracting(expected)), missing: \(expected.subtracting(actual))")
        #expect(second.leftHoused == 1)
        #expect(second.notifications == expected.count)
        // Every item is accounted for.
        let accepted = second.validation.accepted
        #expect(accepted == 24)
        // A withdrawal carries identifiers only.
        for batch in try await fixture.runtime.store.read({ try $0.storedBatches(status: nil) }) where batch.id.value.hasPrefix(second.run.value) {
            for notification in try BatchContents.parse(batch.payload).notifications where notification.soort == "intrekking" {
                #expect(notification.elements.isSubset(of: ["BSN", "VNummer"]), "\(notification.elements)")
            }
        }
    }

    @Test(
        "each municipality's notifications keep the snapshot's order: a move's withdrawal before its line, persons gone last",
        arguments: TestEngine.allCases)
    func fileOrder(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try fixture.sync("tvs-export-20261121.csv")
        let second = try fixture.sync("tvs-export-20261122.csv")
        // Each person's place in the second file, worked out from the file itself.
        let text = try String(contentsOf: Repository.sample("coa", "tvs-export-20261122.csv"), encoding: .utf8)
        var place: [String: Int] = [:]
        for line in text.split(whereSeparator: \.isNewline) where line.first?.isNumber == true || line.first == ";" {
            let fields = line.split(separator: ";", maxSplits: 2, omittingEmptySubsequences: false)
            let key = fields[0].isEmpty ? "b:\(fields[1])" : "v:\(fields[0])"
            if place[key] == nil { place[key] = place.count }
        }
        var withdrawnByMove = 0
        for batch in try await fixture.runtime.store.read({ try $0.storedBatches(status: nil) }) where batch.id.value.hasPrefix(second.run.value) {
            // A small night: one batch per municipality, whatever kinds of notification it holds.
            #expect(batch.id.value.hasSuffix("-1"), "\(batch.id)")
            let notifications = try BatchContents.parse(batch.payload).notifications
            // A notification for a person in the file sits at 2 × place (+1 unless it withdraws a move); gone, after all.
            let ranks = notifications.map { notification in
                place[notification.key].map { 2 * $0 + (notification.soort == "intrekking" ? 0 : 1) } ?? Int.max
            }
            #expect(ranks == ranks.sorted(), "\(batch.id): \(notifications.map { "\($0.soort) \($0.key)" })")
            withdrawnByMove += zip(notifications, ranks).filter { $0.soort == "intrekking" && $1 != Int.max }.count
        }
        // The sample has both kinds of withdrawal: Ahmadzai moved (GM0344), Tekle gone (GM0014).
        #expect(withdrawnByMove == 1)
    }

    @Test("an unchanged night sends nothing again; an older or equal snapshot is refused", arguments: TestEngine.allCases)
    func unchangedAndRefused(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try fixture.sync("tvs-export-20261122.csv")
        let error = #expect(throws: KetenpoortError.self) { try fixture.sync("tvs-export-20261121.csv") }
        #expect(error?.code == .syncRefused)
        #expect(throws: KetenpoortError.self) { try fixture.sync("tvs-export-20261122.csv") }
        let again = try fixture.runtime.coaGemeenteSync().run(
            input: Repository.sample("coa", "tvs-export-20261122.csv"), date: CalendarDate(year: 2026, month: 11, day: 23))
        #expect(again.notifications == 0)
        #expect(again.batches.isEmpty)
        #expect(again.unchanged == 18)
    }

    @Test(
        "every batch is sealed: the JWS verifies against the CA, the Merkle root and count match the records, aantal is right",
        arguments: TestEngine.allCases)
    func sealed(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let report = try fixture.sync("tvs-export-20261122.csv")
        let roots = try PEMFiles.loadCertificates(fixture.directory.file("var/pki/ca.pem"))
        let batches = try await fixture.runtime.store.read { try $0.storedBatches(status: .pending) }
        #expect(batches.map(\.id).sorted() == report.batches.sorted())
        for batch in batches {
            let header = try await DetachedJWS.verify(jws: batch.signature, payload: batch.payload, trustedRoots: roots, at: SyncFixture.clock.now())
            #expect(header.batch == batch.id)
            #expect(header.count == batch.recordCount)
            #expect(header.merkleRoot == batch.merkleRoot)
            // Each record hash is the SHA-256 of that record's bytes in the payload, and the root is
            // theirs (a `nieuw`'s hash is the one staging took of the record it would make).
            #expect(throws: Never.self) { try BatchRecordReader(item: "Kennisgeving").records(of: batch.batch, payload: batch.payload) }
            #expect(header.recipient.value == batch.recipientOIN)
            let contents = try BatchContents.parse(batch.payload)
            #expect(contents.rootAttributes["aantal"] == String(contents.notifications.count))
            #expect(contents.rootAttributes["batch"] == batch.id.value)
        }
    }

    @Test("a municipality without a registered party is held and counted, and gets its notifications once registered", arguments: TestEngine.allCases)
    func heldUntilRegistered(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(parties: ["gm0518"], engine: engine)
        defer { fixture.directory.remove() }
        let report = try fixture.sync("tvs-export-20261122.csv")
        #expect(report.held == ["GM0518": 2])
        #expect(try fixture.notifications(run: report.run).allSatisfy { $0[0] != "GM0518" })
    }

    @Test("a night is split into batches of at most the configured size", arguments: TestEngine.allCases)
    func split(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(maxBatchRecords: 2, engine: engine)
        defer { fixture.directory.remove() }
        let report = try fixture.sync("tvs-export-20261122.csv")
        let batches = try await fixture.runtime.store.read { try $0.storedBatches(status: nil) }
        #expect(batches.allSatisfy { $0.recordCount <= 2 })
        #expect(batches.filter { $0.recipient == "gm0363" }.count == 3)  // GM0363 has 5 notifications
        #expect(batches.reduce(0) { $0 + $1.recordCount } == report.notifications)
    }

    @Test("the routing guard finds a record addressed to another municipality and blocks the batch with an incident")
    func routingGuard() throws {
        let person = PersonKey(vnummer: "1234567890", bsn: nil)!
        let items = [RoutingGuard.Item(addressee: "GM0363", person: person), RoutingGuard.Item(addressee: "GM0344", person: person)]
        let misrouted = RoutingGuard().misrouted(items, recipient: GemeenteCode("GM0363")!)
        #expect(misrouted.map(\.addressee) == ["GM0344"])
        #expect(RoutingGuard().misrouted(Array(items.prefix(1)), recipient: GemeenteCode("GM0363")!).isEmpty)
        let party = RegisteredParty(
            party: Party(id: "gm0363", role: .gemeente, oin: OIN("00000001002564440000")!, name: "Amsterdam", gemeente: GemeenteCode("GM0363")))
        let incident = RoutingGuard().incident(batch: "b1", recipient: party, misrouted: misrouted, at: Date(), pseudonym: { _ in "p" })
        #expect(incident.kind == .misroute)
        #expect(incident.categories == [.identifier, .personal])
        #expect(incident.severity == .low)
        #expect(incident.leftGateway == false)
        #expect(incident.subjects == ["p"])
        #expect(!incident.details.contains("1234567890"))
    }

    @Test(
        "the scheduled job takes waiting snapshots oldest first, and moves them away so a restart never takes one twice",
        arguments: TestEngine.allCases)
    func dropFolder(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        let drop = fixture.directory.file("drop")
        try FileManager.default.createDirectory(at: drop, withIntermediateDirectories: true)
        for name in ["tvs-export-20261122.csv", "tvs-export-20261121.csv"] {
            try FileManager.default.copyItem(at: Repository.sample("coa", name), to: drop.appendingPathComponent(name))
        }
        try FileManager.default.copyItem(
            at: Repository.sample("coa", "tvs-export-20261121.csv"), to: drop.appendingPathComponent("tvs-export-20261120.csv"))
        let job = DropFolderSync(sync: try fixture.runtime.coaGemeenteSync(), folder: drop)
        let reports = try job.runWaiting()
        #expect(reports.map(\.snapshotDate) == ["2026-11-20", "2026-11-21", "2026-11-22"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: drop.appendingPathComponent("processed").path).count == 3)
        #expect(try job.runWaiting().isEmpty)
    }
}
