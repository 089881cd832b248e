import Crypto
import Exchanges
import Foundation
import GRDB
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite
import Testing

/// Instants written as ISO 8601 with their zone.
enum Instant {
    static func at(_ text: String) -> Date { try! Date(text, strategy: .iso8601) }
}

/// A clock the test moves.
final class SteppingClock: WallClock, @unchecked Sendable {
    // Only the test's own thread reads and moves it.
    var instant: Date
    init(_ instant: Date) { self.instant = instant }
    func now() -> Date { instant }
}

@Suite("Incident register")
struct IncidentTests {
    static let pseudonym = SubjectPseudonym(key: Data(repeating: 7, count: 32))

    @Test("a pseudonym is HMAC-SHA-256 of the person key, hex; the same person always gets the same one")
    func pseudonymIsKeyedHash() throws {
        let person = PersonKey(vnummer: "8354684874", bsn: nil)!
        // The pseudonyms already recorded must not change with the implementation.
        let direct = Data(HMAC<SHA256>.authenticationCode(for: Data(person.value.utf8), using: SymmetricKey(data: Data(repeating: 7, count: 32))))
        #expect(Self.pseudonym.of(person) == direct.map { String(format: "%02x", $0) }.joined())
        #expect(Self.pseudonym.of(person) == Self.pseudonym.of(PersonKey(vnummer: "8354684874", bsn: nil)!))
        #expect(Self.pseudonym.of(person) != Self.pseudonym.of(PersonKey(vnummer: "5843483101", bsn: nil)!))
    }

    static func register(_ clock: any WallClock) -> IncidentRegister {
        IncidentRegister(audit: AuditChain(signer: nil, clock: clock))
    }

    static func withStore<T>(_ body: (SQLiteStore, String) throws -> T) throws -> T {
        try TempDirectory.with { directory in
            let path = directory.file("ketenpoort.sqlite").path
            return try body(try SQLiteStore(path: path), path)
        }
    }

    @Test("a blocked misroute is one incident: its subjects as pseudonyms, identifier and personal data, a near miss")
    func misroute() throws {
        try Self.withStore { store, _ in
            let clock = FixedWallClock(Instant.at("2026-11-24T03:00:00+01:00"))
            let people = [PersonKey(vnummer: "8354684874", bsn: nil)!, PersonKey(vnummer: "5843483101", bsn: nil)!]
            let party = RegisteredParty(
                party: Party(id: "gm0363", role: .gemeente, oin: OIN("00000001002564440000")!, name: "Amsterdam", gemeente: GemeenteCode("GM0363")))
            let incident = RoutingGuard().incident(
                batch: "b1", recipient: party, misrouted: people.map { RoutingGuard.Item(addressee: "GM0344", person: $0) }, at: clock.now(),
                pseudonym: Self.pseudonym.of)
            try store.write { tx in try Self.register(clock).open(incident, in: tx) }
            let states = try store.read { tx in try Self.register(clock).states(includeClosed: true, in: tx) }
            #expect(states.count == 1)
            #expect(states[0].incident.kind == .misroute)
            #expect(states[0].incident.subjects == people.map(Self.pseudonym.of))
            #expect(states[0].incident.categories == [.identifier, .personal])
            #expect(states[0].incident.leftGateway == false)
            #expect(states[0].status == .open)
            // The same batch cannot be opened twice.
            #expect(throws: KetenpoortError.self) { try store.write { tx in try Self.register(clock).open(incident, in: tx) } }
        }
    }

    @Test("special-category data without consent is one blocked incident with special-category data")
    func consent() throws {
        try Self.withStore { store, _ in
            let clock = FixedWallClock(Instant.at("2026-11-24T03:00:00+01:00"))
            let people = [PersonKey(vnummer: "8354684874", bsn: nil)!, PersonKey(vnummer: nil, bsn: "490060262")!]
            _ = try store.write { tx in
                try Self.register(clock).consentBlocked(
                    reference: "b7", recipient: "gm0363", batch: "b7", subjects: people, purpose: "gezondheid-gemeente", pseudonym: Self.pseudonym,
                    in: tx)
            }
            let incidents = try store.read { try $0.incidents() }
            #expect(incidents.count == 1)
            #expect(incidents[0].kind == .consent)
            #expect(incidents[0].subjects == people.map(Self.pseudonym.of))
            #expect(incidents[0].categories == [.identifier, .personal, .specialCategory])
            #expect(incidents[0].severity == .medium)
            #expect(!incidents[0].subjects.joined().contains("490060262"))
        }
    }

    @Test("a scanner refused 500 times within an hour is one incident with 500 attempts; the next hour opens a second")
    func unauthorisedAccessAggregated() throws {
        try Self.withStore { store, _ in
            let clock = SteppingClock(Instant.at("2026-11-24T10:00:00+01:00"))
            let caller = OIN("00000001003214369000")!
            for second in 0..<500 {
                clock.instant = Instant.at("2026-11-24T10:00:00+01:00").addingTimeInterval(Double(second) * 7)
                try store.write { tx in
                    _ = try Self.register(clock).unauthorisedAccess(
                        caller: caller, party: "ind", request: "coa-gemeente batches", categories: [.identifier, .personal], in: tx)
                }
            }
            var states = try store.read { tx in try Self.register(clock).states(includeClosed: true, in: tx) }
            #expect(states.count == 1)
            #expect(states[0].attempts == 500)
            #expect(states[0].incident.kind == .unauthorisedAccess)
            #expect(states[0].incident.subjects.isEmpty)
            #expect(states[0].incident.categories == [.identifier, .personal])
            clock.instant = Instant.at("2026-11-24T11:00:00+01:00")
            try store.write { tx in
                _ = try Self.register(clock).unauthorisedAccess(
                    caller: caller, party: "ind", request: "coa-gemeente batches", categories: [.identifier], in: tx)
            }
            states = try store.read { tx in try Self.register(clock).states(includeClosed: true, in: tx) }
            #expect(states.map(\.attempts) == [500, 1])
        }
    }

    @Test("the 72-hour deadline and the 48-hour alert count elapsed hours across the end of summer time")
    func deadlineAcrossDST() {
        let detected = Instant.at("2026-10-24T12:00:00+02:00")
        let open = IncidentDeadline(detectedAt: detected, status: .open)
        #expect(IncidentDeadline.local(open.notificationDue) == "2026-10-27T11:00:00+01:00")
        #expect(IncidentDeadline.local(open.assessmentAlertAt) == "2026-10-26T11:00:00+01:00")
        #expect(!open.needsAlert(at: Instant.at("2026-10-26T10:59:00+01:00")))
        #expect(open.needsAlert(at: Instant.at("2026-10-26T11:00:00+01:00")))
        #expect(open.timeLeft(at: Instant.at("2026-10-26T11:00:00+01:00")) == 24 * 3600)
        #expect(!open.isOverdue(at: Instant.at("2026-10-27T10:59:00+01:00")))
        #expect(open.isOverdue(at: Instant.at("2026-10-27T11:00:00+01:00")))
        let assessed = IncidentDeadline(detectedAt: detected, status: .assessed)
        #expect(!assessed.needsAlert(at: Instant.at("2026-10-27T09:00:00+01:00")))
        #expect(assessed.isOverdue(at: Instant.at("2026-10-28T00:00:00+01:00")))
        #expect(!IncidentDeadline(detectedAt: detected, status: .notified).isOverdue(at: Instant.at("2026-11-28T00:00:00+01:00")))
    }

    @Test("the register raises the alert for an incident unassessed for 48 hours, by the injected clock")
    func alert() throws {
        try Self.withStore { store, _ in
            let clock = SteppingClock(Instant.at("2026-10-24T12:00:00+02:00"))
            let incident = IncidentRecord(
                id: "i1", kind: .misroute, detectedAt: clock.now(), recipient: "gm0363", batch: nil, subjects: ["p"], categories: [.identifier],
                leftGateway: false, details: "test")
            try store.write { tx in try Self.register(clock).open(incident, in: tx) }
            clock.instant = Instant.at("2026-10-26T10:30:00+01:00")
            #expect(try store.read { tx in try Self.register(clock).alerts(in: tx) }.isEmpty)
            clock.instant = Instant.at("2026-10-26T11:00:00+01:00")
            #expect(try store.read { tx in try Self.register(clock).alerts(in: tx) }.map(\.incident.id) == ["i1"])
        }
    }

    @Test("status changes are appended events; wrong steps are refused; the register survives a restart and refuses rewrites")
    func workflow() throws {
        try Self.withStore { store, path in
            let clock = SteppingClock(Instant.at("2026-11-24T10:00:00+01:00"))
            let register = Self.register(clock)
            let incident = IncidentRecord(
                id: "i1", kind: .misdelivery, detectedAt: clock.now(), recipient: "gm0344", batch: "b1", subjects: ["p1", "p2"],
                categories: [.identifier, .personal], leftGateway: true, details: "test")
            try store.write { tx in try register.open(incident, in: tx) }
            let refused = #expect(throws: KetenpoortError.self) {
                try store.write { tx in try register.move("i1", to: .notified, reason: nil, in: tx) }
            }
            #expect(refused?.reason.contains("next: assessed") == true)
            _ = try store.write { tx in try register.move("i1", to: .assessed, reason: "one record, identifiers and intake data", in: tx) }
            #expect(throws: KetenpoortError.self) { try store.write { tx in try register.move("i1", to: .notNotifiable, reason: " ", in: tx) } }
            #expect(throws: KetenpoortError.self) {
                try store.write { tx in try register.move("i1", to: .notNotifiable, reason: "about 490060262", in: tx) }
            }
            clock.instant = clock.instant.addingTimeInterval(3600)
            _ = try store.write { tx in try register.move("i1", to: .notNotifiable, reason: "the recipient deleted it the same hour", in: tx) }
            _ = try store.write { tx in try register.move("i1", to: .closed, reason: nil, in: tx) }
            #expect(throws: KetenpoortError.self) { _ = try store.write { tx in try register.move("i1", to: .assessed, reason: nil, in: tx) } }

            let reopened = try SQLiteStore(path: path)
            let state = try #require(try reopened.read { tx in try Self.register(clock).state(id: "i1", in: tx) })
            #expect(state.incident == incident)
            #expect(state.events.map(\.status) == [.open, .assessed, .notNotifiable, .closed])
            #expect(state.events.map(\.sequence) == [1, 2, 3, 4])
            #expect(state.events[2].reason == "the recipient deleted it the same hour")
            #expect(try reopened.read { tx in try Self.register(clock).states(includeClosed: false, in: tx) }.isEmpty)
            // Every change is on the audit chain too.
            #expect(try reopened.read { try $0.lastAuditEntry() }?.seq == 4)
            // The register is never rewritten: the database itself refuses it.
            let queue = try DatabaseQueue(path: path)
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE incident SET recipient = 'gm0363'") } }
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "DELETE FROM incident_event WHERE sequence = 4") } }
            #expect(throws: DatabaseError.self) { try queue.write { try $0.execute(sql: "UPDATE incident_event SET status = 'open'") } }
        }
    }
}
