import Foundation
import KetenpoortCore
import Store
import StoreSQLite
import Testing

@Suite("SQLite store")
struct SQLiteStoreTests {
    static func withStore<T>(_ body: (SQLiteStore, String) throws -> T) throws -> T {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString)/ketenpoort.sqlite").path
        defer { try? FileManager.default.removeItem(atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path) }
        return try body(try SQLiteStore(path: path), path)
    }

    static let person = PersonKey(vnummer: "1234567890", bsn: "123456782")!
    static let day = CalendarDate(year: 2026, month: 11, day: 22)!

    @Test("a new file is migrated to the current schema, and reopening keeps it")
    func migrations() throws {
        try Self.withStore { store, path in
            #expect(
                try store.appliedMigrations() == [
                    "v1-nightly-sync", "v2-schedules", "v3-incidents-audit", "v4-duo-status", "v5-consent", "v6-processing-log",
                    "v7-batch-payload-parts",
                    "v8-staged-sync", "v9-sent-without-person-index", "v10-claims-leases",
                ])
            try store.write {
                try $0.acceptSnapshot(SnapshotMark(source: "coa", date: Self.day, run: "r1", acceptedAt: Date(timeIntervalSince1970: 1), items: 3))
            }
            let reopened = try SQLiteStore(path: path)
            #expect(try reopened.read { try $0.lastSnapshot(source: "coa") }?.date == Self.day)
        }
    }

    @Test("a transaction that throws leaves nothing behind")
    func rollback() throws {
        struct Boom: Error {}
        try Self.withStore { store, _ in
            #expect(throws: Boom.self) {
                try store.write { tx in
                    try tx.putSent(
                        SentState(
                            gemeente: "GM0363", person: Self.person, bsn: "123456782", vnummer: "1234567890", contentHash: "aa", isHoused: false,
                            lastRun: "r1"))
                    try tx.acceptSnapshot(SnapshotMark(source: "coa", date: Self.day, run: "r1", acceptedAt: Date(), items: 1))
                    throw Boom()
                }
            }
            let states = try store.read { try $0.sentStates(bsn: "123456782") }
            let snapshot = try store.read { try $0.lastSnapshot(source: "coa") }
            #expect(states.isEmpty)
            #expect(snapshot == nil)
        }
    }

    @Test("sent state: put, replace, find by BSN, all in person order, remove")
    func sentState() throws {
        try Self.withStore { store, _ in
            let other = PersonKey(vnummer: nil, bsn: "111222333")!
            try store.write { tx in
                try tx.putSent(
                    SentState(
                        gemeente: "GM0363", person: Self.person, bsn: "123456782", vnummer: "1234567890", contentHash: "aa", isHoused: false,
                        lastRun: "r1"))
                try tx.putSent(
                    SentState(
                        gemeente: "GM0363", person: Self.person, bsn: "123456782", vnummer: "1234567890", contentHash: "bb", isHoused: true,
                        lastRun: "r2"))
                try tx.putSent(
                    SentState(gemeente: "GM0344", person: other, bsn: "111222333", vnummer: nil, contentHash: "cc", isHoused: false, lastRun: "r1"))
            }
            let states = try store.read { try $0.sentStates(bsn: "123456782") }
            #expect(states.map(\.contentHash) == ["bb"])
            #expect(states.first?.isHoused == true)
            var ordered: [String] = []
            try store.read { try $0.forEachSentByPerson { ordered.append($0.person.value + " " + $0.gemeente) } }
            #expect(ordered == [other.value + " GM0344", Self.person.value + " GM0363"].sorted())
            try store.write { try $0.removeSent(gemeente: "GM0344", person: other) }
            #expect(try store.read { try $0.sentStates(bsn: "111222333") }.isEmpty)
        }
    }

    @Test("a sync under way is marked until its job ends it")
    func syncRunMarks() throws {
        try Self.withStore { store, _ in
            let begun = Date(timeIntervalSince1970: 1_790_000_000)
            try store.write { try $0.beginSyncRun(SyncRunMark(run: "coa-gemeenten-20261122", job: "coa-gemeenten", startedAt: begun, report: "{}")) }
            #expect(try store.read { try $0.syncRun("coa-gemeenten-20261122") }?.startedAt == begun)
            try store.write { tx in
                try tx.recordSyncBatch(run: "coa-gemeenten-20261122", batch: "coa-gemeenten-20261122-GM0363-1", blocked: false)
                try tx.recordSyncBatch(run: "coa-gemeenten-20261122", batch: "coa-gemeenten-20261122-GM0014-1", blocked: true)
            }
            #expect(try store.read { try $0.syncBatches(run: "coa-gemeenten-20261122") }.map(\.blocked) == [false, true])
            try store.write { try $0.endSyncRuns(job: "coa-gemeenten") }
            #expect(try store.read { try $0.syncBatches(run: "coa-gemeenten-20261122") }.isEmpty)
            #expect(try store.read { try $0.syncRun("coa-gemeenten-20261122") } == nil)
        }
    }

    @Test("outbox: a batch keeps its exact bytes; attempts move its status")
    func outbox() throws {
        try Self.withStore { store, _ in
            let payload = Data("<Kennisgevingen/>".utf8)
            let batch = OutboxBatch(
                id: "b1", recipient: "gm0363", recipientOIN: "00000001002220647000", contract: "gemeente-kennisgeving",
                contentType: "application/xml",
                createdAt: Date(timeIntervalSince1970: 100), recordCount: 2, merkleRoot: "ab", recordHashes: ["01", "02"],
                payloadBytes: payload.count,
                signature: "h..s")
            try store.write { try $0.insertBatch(batch, payload: payload) }
            #expect(try store.read { try $0.batch(id: "b1") } == batch)
            #expect(try store.read { try $0.batches(status: .pending) }.map(\.id) == ["b1"])
            try store.write { tx in
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "b1", at: Date(), httpStatus: 503, error: "HTTP 503", receipt: nil), status: .pending,
                    nextAttemptAt: Date(timeIntervalSince1970: 200))
                try tx.recordAttempt(
                    DeliveryAttempt(batch: "b1", at: Date(), httpStatus: 200, error: nil, receipt: Data("{}".utf8)), status: .delivered,
                    nextAttemptAt: nil)
            }
            let delivered = try #require(try store.read { try $0.batch(id: "b1") })
            #expect(delivered.status == .delivered)
            #expect(delivered.attempts == 2)
            #expect(try store.read { try $0.payload(of: "b1") } == payload)
            #expect(try store.read { try $0.batches(status: .pending) }.isEmpty)
        }
    }

    @Test("a recalled batch stays recalled when an attempt that was under way ends, unless that attempt delivered it; its payload is gone")
    func recallDuringAttempt() throws {
        try Self.withStore { store, _ in
            for (id, outcome) in [("b-retry", BatchStatus.pending), ("b-dead", .deadLettered), ("b-delivered", .delivered)] {
                let batch = OutboxBatch(
                    id: id, recipient: "duo", recipientOIN: "00000001800866472000", contract: "argonaut-advies", contentType: "application/x-ndjson",
                    createdAt: Date(timeIntervalSince1970: 100), recordCount: 1, merkleRoot: "ab", recordHashes: ["01"], payloadBytes: 2,
                    signature: "h..s")
                try store.write { try $0.insertBatch(batch, payload: Data("{}".utf8)) }
                #expect(try store.write { try $0.recallBatch(id: id) })
                try store.write { tx in
                    try tx.recordAttempt(
                        DeliveryAttempt(batch: id, at: Date(), httpStatus: outcome == .delivered ? 201 : 503, error: nil, receipt: nil),
                        status: outcome,
                        nextAttemptAt: nil)
                }
                #expect(try store.read { try $0.batch(id: id) }?.status == (outcome == .delivered ? .delivered : .recalled), "\(id)")
                #expect(throws: KetenpoortError(.storePayloadGone, "")) { try store.read { try $0.payload(of: id) } }
            }
            // Only a batch not yet delivered can be recalled.
            #expect(try !store.write { try $0.recallBatch(id: "b-delivered") })
        }
    }

    @Test("quarantine, incidents and runs are kept")
    func records() throws {
        try Self.withStore { store, _ in
            try store.write { tx in
                try tx.quarantine(
                    QuarantineEntry(run: "r1", source: "coa", position: "line 4", field: "bsn", rule: "field.bsn", message: "BSN is not valid"))
                try tx.recordIncident(
                    IncidentRecord(
                        id: "i1", kind: .misroute, detectedAt: Date(timeIntervalSince1970: 5), recipient: "gm0363", batch: "b1",
                        subjects: ["p1", "p2"],
                        categories: [.identifier, .personal], leftGateway: false, details: "blocked"))
                try tx.recordRun(
                    RunRecord(
                        id: "r1", job: "coa-gemeenten", startedAt: Date(timeIntervalSince1970: 1), finishedAt: Date(timeIntervalSince1970: 2),
                        report: "{}"))
            }
            #expect(try store.read { try $0.quarantined(run: "r1") }.map(\.rule) == ["field.bsn"])
            let incident = try #require(try store.read { try $0.incidents() }.first)
            #expect(incident.subjects == ["p1", "p2"])
            #expect(incident.leftGateway == false)
            #expect(try store.read { try $0.runs(job: "coa-gemeenten") }.count == 1)
        }
    }

    @Test("a person key never shows the number")
    func personKeyRedacted() {
        #expect(!"\(Self.person)".contains("1234567890"))
        #expect(PersonKey(vnummer: nil, bsn: nil) == nil)
        #expect(PersonKey(vnummer: "", bsn: "123456782")?.value == "b:123456782")
    }
}
