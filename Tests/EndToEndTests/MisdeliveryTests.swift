import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@Suite("Misdelivery and the AP notification draft")
struct MisdeliveryTests {
    /// A synced night whose batches count as delivered.
    static func deliveredNight() async throws -> SyncFixture {
        let fixture = try await SyncFixture()
        _ = try fixture.sync("tvs-export-20261122.csv")
        try await fixture.runtime.store.write { tx in
            for batch in try tx.batches(status: .pending) {
                try tx.recordAttempt(
                    DeliveryAttempt(batch: batch.id, at: SyncFixture.clock.now(), httpStatus: 201, error: nil, receipt: nil), status: .delivered,
                    nextAttemptAt: nil)
            }
        }
        return fixture
    }

    static func report(_ fixture: SyncFixture, batch: StoredBatch, records: [Int]) throws -> IncidentRecord {
        let mapping = try #require(
            fixture.runtime.workspace.adapters.mappings.values.first { $0.direction == .outbound && $0.contract.id == batch.contract })
        return try MisdeliveryReport(mapping: mapping, pseudonym: try fixture.runtime.subjectPseudonym()).incident(
            batch: batch.batch, payload: batch.payload, indexes: records, at: SyncFixture.clock.now())
    }

    @Test("a misdelivered batch is one incident whose subjects and categories come from the sealed records; it left the gateway")
    func fromTheBatch() async throws {
        let fixture = try await Self.deliveredNight()
        defer { fixture.directory.remove() }
        let batch = try await #require(try fixture.runtime.store.read { try $0.storedBatches(status: .delivered) }.first { $0.recipient == "gm0363" })
        let persons = try BatchContents.parse(batch.payload).notifications.map { PersonKey(value: $0.key) }
        let pseudonym = try fixture.runtime.subjectPseudonym()

        let whole = try Self.report(fixture, batch: batch, records: [])
        #expect(whole.subjects == persons.map(pseudonym.of))
        #expect(whole.recordCount == batch.recordCount)
        #expect(whole.categories == [.identifier, .personal])
        #expect(whole.leftGateway)
        #expect(whole.severity == .high)

        let one = try Self.report(fixture, batch: batch, records: [1])
        #expect(one.subjects == [pseudonym.of(persons[1])])
        #expect(one.recordCount == 1)
        // A withdrawal carries identifiers (and its soort) only.
        let register = fixture.runtime.incidentRegister()
        try await fixture.runtime.store.write { tx in try register.open(one, in: tx) }
        #expect(try await fixture.runtime.store.read { try $0.incidents() }.count == 1)
        #expect(throws: KetenpoortError.self) { try fixture.runtime.store.write { tx in try register.open(whole, in: tx) } }
        #expect(throws: KetenpoortError.self) { try Self.report(fixture, batch: batch, records: [batch.recordCount]) }
    }

    @Test("a batch never sent cannot be misdelivered; a payload that no longer matches its seal is refused", arguments: TestEngine.allCases)
    func refused(engine: TestEngine) async throws {
        let fixture = try await SyncFixture(engine: engine)
        defer { fixture.directory.remove() }
        _ = try fixture.sync("tvs-export-20261122.csv")
        let batch = try await #require(try fixture.runtime.store.read { try $0.storedBatches(status: .pending) }.first)
        #expect(throws: KetenpoortError.self) { try Self.report(fixture, batch: batch, records: []) }
        let tampered = StoredBatch(
            batch: OutboxBatch(
                id: batch.id, recipient: batch.recipient, recipientOIN: batch.recipientOIN, contract: batch.contract, contentType: batch.contentType,
                createdAt: batch.createdAt, recordCount: batch.recordCount, merkleRoot: batch.merkleRoot, recordHashes: batch.recordHashes,
                payloadBytes: batch.payloadBytes, signature: batch.signature, status: .delivered, attempts: 1),
            payload: Data(String(decoding: batch.payload, as: UTF8.self).replacingOccurrences(of: "nieuw", with: "wijziging").utf8))
        #expect(throws: KetenpoortError.self) { try Self.report(fixture, batch: tampered, records: []) }
    }

    @Test("the AP draft, JSON and Markdown, holds the facts and no BSN or name")
    func exportHasNoPersonalData() async throws {
        let fixture = try await Self.deliveredNight()
        defer { fixture.directory.remove() }
        let register = fixture.runtime.incidentRegister()
        for batch in try await fixture.runtime.store.read({ try $0.storedBatches(status: .delivered) }) {
            try await fixture.runtime.store.write { tx in try register.open(try Self.report(fixture, batch: batch, records: []), in: tx) }
        }
        let personal = try PersonalData.of(["tvs-export-20261121.csv", "tvs-export-20261122.csv"])
        #expect(personal.count > 40)
        let states = try await fixture.runtime.store.read { tx in try register.states(includeClosed: true, in: tx) }
        #expect(!states.isEmpty)
        for state in states {
            let draft = BreachNotification(state)
            let json = String(decoding: try JSONEncoder().encode(draft), as: UTF8.self)
            #expect(PersonalData.leaks(json, personal).isEmpty, "\(state.incident.id)")
            #expect(PersonalData.leaks(draft.markdown, personal).isEmpty, "\(state.incident.id)")
            #expect(draft.approximateNumberOfSubjects == state.incident.subjectCount)
            #expect(draft.dataLeftGateway)
            #expect(draft.markdown.contains("## Likely consequences"))
            #expect(draft.timeline.last?.what.contains("72 hours") == true)
        }
    }
}
