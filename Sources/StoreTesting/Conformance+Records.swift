import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let recordChecks: [ConformanceCheck] = [
        ConformanceCheck("sent state: put, replace, find by BSN, all in person order, remove") { store, _, _ in
            let other = PersonKey(vnummer: nil, bsn: "111222333")!
            try await store.write { tx in
                try tx.putSent(Samples.sent(Samples.person, gemeente: "GM0363", hash: "aa"))
                try tx.putSent(Samples.sent(Samples.person, gemeente: "GM0363", hash: "bb", housed: true, run: "r2"))
                try tx.putSent(
                    SentState(gemeente: "GM0344", person: other, bsn: "111222333", vnummer: nil, contentHash: "cc", isHoused: false, lastRun: "r1"))
            }
            let states = try await store.read { try $0.sentStates(bsn: "123456782") }
            #expect(states.map(\.contentHash) == ["bb"])
            #expect(states.first?.isHoused == true)
            let ordered = try await store.read { tx in
                var ordered: [String] = []
                try tx.forEachSentByPerson { ordered.append($0.person.value + " " + $0.gemeente) }
                return ordered
            }
            #expect(ordered == [other.value + " GM0344", Samples.person.value + " GM0363"].sorted())
            try await store.write { try $0.removeSent(gemeente: "GM0344", person: other) }
            #expect(try await store.read { try $0.sentStates(bsn: "111222333") }.isEmpty)
        },
        ConformanceCheck("a sync under way is marked until its job ends it") { store, _, _ in
            let begun = Date(timeIntervalSince1970: 1_790_000_000)
            let run: RunID = "coa-gemeenten-20261122"
            try await store.write { try $0.beginSyncRun(SyncRunMark(run: run, job: "coa-gemeenten", startedAt: begun, report: "{}")) }
            #expect(try await store.read { try $0.syncRun(run) }?.startedAt == begun)
            try await store.write { tx in
                try tx.recordSyncBatch(run: run, batch: "coa-gemeenten-20261122-GM0363-1", blocked: false)
                try tx.recordSyncBatch(run: run, batch: "coa-gemeenten-20261122-GM0014-1", blocked: true)
            }
            #expect(try await store.read { try $0.syncBatches(run: run) }.map(\.blocked) == [false, true])
            try await store.write { try $0.endSyncRuns(job: "coa-gemeenten") }
            #expect(try await store.read { try $0.syncBatches(run: run) }.isEmpty)
            #expect(try await store.read { try $0.syncRun(run) } == nil)
        },
        ConformanceCheck("quarantine, incidents, runs and schedules are kept") { store, _, _ in
            let due = Date(timeIntervalSince1970: 1_790_000_000)
            try await store.write { tx in
                try tx.quarantine(
                    QuarantineEntry(run: "r1", source: "coa", position: "line 4", field: "bsn", rule: "field.bsn", message: "BSN is not valid"))
                try tx.recordIncident(Samples.incident("i1"))
                try tx.recordRun(
                    RunRecord(
                        id: "r1", job: "coa-gemeenten", startedAt: Date(timeIntervalSince1970: 1), finishedAt: Date(timeIntervalSince1970: 2),
                        report: "{}"))
                try tx.recordScheduled(schedule: "nacht", due: due, startedAt: due, finishedAt: nil)
            }
            #expect(try await store.read { try $0.quarantined(run: "r1") }.map(\.rule) == ["field.bsn"])
            #expect(try await store.read { try $0.incident(id: "i1") } == Samples.incident("i1"))
            #expect(try await store.read { try $0.runs(job: "coa-gemeenten") }.count == 1)
            #expect(try await store.read { try $0.lastDue(schedule: "nacht") } == due)
        },
        ConformanceCheck("an inbox receipt is found by contract and key, bytes as recorded; the same key under another contract is another") {
            store, _, _ in
            let receipt = Samples.inboxReceipt("coa-20261122")
            try await store.write { try $0.recordInboxReceipt(receipt) }
            #expect(try await store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "coa-20261122") } == receipt)
            #expect(try await store.read { try $0.inboxReceipt(contract: "argonaut-advies", key: "coa-20261122") } == nil)
            #expect(try await store.read { try $0.inboxReceipt(contract: "coa-tvs-export", key: "coa-20261123") } == nil)
        },
        ConformanceCheck("consent versions and decisions are found by consent, subject and reference") { store, _, _ in
            try await store.write { tx in
                try tx.appendConsentVersion(Samples.consent("c1", version: 1))
                try tx.appendConsentVersion(Samples.consent("c1", version: 2))
                try tx.appendDecision(Samples.decision("advice-1"))
                try tx.appendDecision(Samples.decision("advice-2"))
            }
            #expect(try await store.read { try $0.consentVersions(id: "c1") }.map(\.version) == [1, 2])
            #expect(try await store.read { try $0.consentVersions(bsn: "123456782") }.count == 2)
            #expect(try await store.read { try $0.consentVersions(purpose: "medisch-advies") }.count == 2)
            #expect(try await store.read { try $0.decisions(reference: "advice-2") }.map(\.reference) == ["advice-2"])
            #expect(try await store.read { try $0.decisions(subject: "pseudonym-1") }.count == 2)
        },
        ConformanceCheck("decisions appended together are kept whole and in order, after those before them") { store, _, _ in
            var refused = Samples.decision("night-1")
            refused = ConsentDecision(
                at: Date(timeIntervalSince1970: 13.25), isAllowed: false, subject: "pseudonym-2", purpose: refused.purpose, recipient: "gm0363",
                consent: nil, flow: "coa-gemeenten", reference: "night-1")
            let third = ConsentDecision(
                at: Date(timeIntervalSince1970: 14), isAllowed: true, subject: "pseudonym-3", purpose: refused.purpose, recipient: "gm0363",
                consent: "c3", flow: "coa-gemeenten", reference: "night-1")
            let group = [Samples.decision("night-1"), refused, third]
            try await store.write { tx in
                try tx.appendDecision(Samples.decision("before"))
                try tx.appendDecisions(group)
                try tx.appendDecisions([])
            }
            let all = try await store.read { try $0.decisions(reference: nil) }
            #expect(all.map(\.reference) == ["before", "night-1", "night-1", "night-1"])
            #expect(all.map(\.seq) == all.map(\.seq).sorted() && Set(all.map(\.seq)).count == 4)
            let night = try await store.read { try $0.decisions(reference: "night-1") }
            #expect(
                night.map {
                    ConsentDecision(
                        at: $0.at, isAllowed: $0.isAllowed, subject: $0.subject, purpose: $0.purpose, recipient: $0.recipient, consent: $0.consent,
                        flow: $0.flow, reference: $0.reference)
                } == group)
        },
    ]
}
