import Foundation
import KetenpoortCore
import Store
import Testing

extension StoreConformance {
    static let duoStatusChecks: [ConformanceCheck] = [
        ConformanceCheck("DUO status: a group put counts inserted, changed and unchanged persons, a repeated BSN in order") { store, _, _ in
            try await OwnThread.run { try Self.groupPut(store) }
        },
        ConformanceCheck("DUO status: an extract keeps quarantined persons, removes the absent, and records its mark") { store, _, _ in
            try await OwnThread.run { try Self.extractApplied(store) }
        },
        ConformanceCheck("DUO status: an answer's read gives the last extract and each status asked, in order") { store, _, _ in
            let before = try await store.duoStatus.answerRead(bsns: ["123456782"])
            #expect(before.extract == nil && before.statuses == [nil])
            try await OwnThread.run { try Self.extractApplied(store) }
            let read = try await store.duoStatus.answerRead(bsns: ["999999990", "123456782", "111222333", "123456782"])
            #expect(read.extract?.sequence == 2)
            #expect(read.statuses.map { $0?.bsn } == [nil, "123456782", "111222333", "123456782"])
            #expect(read.statuses[2] == Self.duo("111222333"))
            let unknown = try await store.duoStatus.answerRead(bsns: ["999999990"])
            #expect(unknown.extract?.sequence == 2 && unknown.statuses == [nil])
        },
        ConformanceCheck("DUO status: answers read at once each get the statuses of their own persons") { store, _, _ in
            let bsns = (0..<64).map { String(format: "2%08d", $0) }  // nine digits: the store checks no 11-test
            try await OwnThread.run {
                try store.duoStatus.write { tx in
                    try tx.beginDuoExtract()
                    _ = try tx.putDuoStatuses(bsns.enumerated().map { Self.duo($0.element, fines: $0.offset) })
                    try tx.recordDuoExtract(
                        DuoExtractMark(
                            sequence: 1, creationDate: CalendarDate(year: 2026, month: 11, day: 23)!, fileName: "duo-1.dat",
                            sha256: String(repeating: "1", count: 64), records: bsns.count, appliedAt: Date(timeIntervalSince1970: 1_795_000_000)),
                        report: "{}")
                }
            }
            let answers = try await withThrowingTaskGroup(of: (Int, DuoStatusAnswerRead).self) { group in
                for index in bsns.indices {
                    // Each asks its own person, a shared one and, every third, someone unknown.
                    let asked = [bsns[index], bsns[0]] + (index % 3 == 0 ? ["999999990"] : [])
                    group.addTask { (index, try await store.duoStatus.answerRead(bsns: asked)) }
                }
                return try await group.reduce(into: [:]) { $0[$1.0] = $1.1 }
            }
            for (index, answer) in answers {
                #expect(answer.extract?.sequence == 1)
                #expect(answer.statuses.map { $0?.aantalBoetes } == [index, 0] + (index % 3 == 0 ? [nil] : []))
            }
            #expect(answers.count == bsns.count)
        },
        ConformanceCheck("DUO status: extracts are applied one after another — a write begun while another is open reads what that one committed") {
            store, _, _ in
            let holding = DispatchSemaphore(value: 0)
            let release = DispatchSemaphore(value: 0)
            let seen = LockedValue<Int??>(nil)
            async let first: Void = OwnThread.run {
                try store.duoStatus.write { tx in
                    try tx.beginDuoExtract()
                    _ = try tx.putDuoStatuses([Self.duo("123456782")])
                    try tx.recordDuoExtract(
                        DuoExtractMark(
                            sequence: 1, creationDate: CalendarDate(year: 2026, month: 11, day: 23)!, fileName: "duo-1.dat",
                            sha256: String(repeating: "1", count: 64), records: 1, appliedAt: Date(timeIntervalSince1970: 1_795_000_000)),
                        report: "{}")
                    holding.signal()
                    release.wait()
                }
            }
            try await OwnThread.run { holding.wait() }
            // Another node's ingest of the next extract, begun now: reading the state before the
            // first commits, it would take the next extract for a gap and refuse it.
            async let second = OwnThread.run {
                try store.duoStatus.write { tx in
                    let last = try tx.lastDuoExtract()?.sequence
                    seen.withLock { $0 = .some(last) }
                    return last
                }
            }
            // An engine that lets it read reads at once; one that is right never reads before the release.
            var early = false
            for _ in 0..<50 where !early {
                try await Task.sleep(for: .milliseconds(20))
                early = seen.withLock { $0 != nil }
            }
            #expect(!early, "a write read the status store while another write was open")
            release.signal()
            try await first
            #expect(try await second == 1)
        },
    ]

    static func groupPut(_ store: any Store) throws {
        let first = try store.duoStatus.write { tx in
            try tx.beginDuoExtract()
            return try tx.putDuoStatuses([Self.duo("123456782"), Self.duo("111222333"), Self.duo("111222333", status: "OI")])
        }
        #expect(first == DuoStatusChanges(inserted: 2, changed: 1, unchanged: 0))
        let second = try store.duoStatus.write { tx in
            try tx.beginDuoExtract()
            return try tx.putDuoStatuses([
                Self.duo("123456782"), Self.duo("111222333", status: "VD", pipInAzc: true, fines: 2), Self.duo("100000009"),
            ])
        }
        #expect(second == DuoStatusChanges(inserted: 1, changed: 1, unchanged: 1))
        let read = try store.duoStatus.read { tx in (try tx.duoStatus(bsn: "111222333"), try tx.duoStatusCount()) }
        #expect(read.0 == Self.duo("111222333", status: "VD", pipInAzc: true, fines: 2))
        #expect(read.1 == 3)
    }

    static func extractApplied(_ store: any Store) throws {
        try store.duoStatus.write { tx in
            try tx.beginDuoExtract()
            _ = try tx.putDuoStatuses([Self.duo("123456782"), Self.duo("111222333"), Self.duo("100000009")])
        }
        let mark = DuoExtractMark(
            sequence: 2, creationDate: CalendarDate(year: 2026, month: 11, day: 24)!, fileName: "duo-2.dat",
            sha256: String(repeating: "2", count: 64), records: 2, appliedAt: Date(timeIntervalSince1970: 1_795_000_000))
        let outcome = try store.duoStatus.write { tx in
            try tx.beginDuoExtract()
            _ = try tx.putDuoStatus(Self.duo("123456782", status: "OM"))
            let kept = (try tx.keepDuoStatus(bsn: "111222333"), try tx.keepDuoStatus(bsn: "999999990"))
            let removed = try tx.removeDuoStatusNotInExtract()
            try tx.recordDuoExtract(mark, report: #"{"sequence":2}"#)
            return (kept, removed)
        }
        #expect(outcome.0 == (true, false))
        #expect(outcome.1 == 1)
        try store.duoStatus.read { tx throws in
            #expect(try tx.duoStatus(bsn: "123456782")?.status == "OM")
            #expect(try tx.duoStatus(bsn: "111222333") == Self.duo("111222333"))
            #expect(try tx.duoStatus(bsn: "100000009") == nil)
            #expect(try tx.lastDuoExtract() == mark)
            #expect(try tx.duoExtract(sha256: mark.sha256) == mark)
            #expect(try tx.duoExtractReport(sequence: 2) == #"{"sequence":2}"#)
            var order: [String] = []
            try tx.forEachDuoStatus { order.append($0.bsn) }
            #expect(order == ["111222333", "123456782"])
        }
    }

    /// A status with every kind of field set or left out (for engine tests too).
    public static func duo(_ bsn: String, status: String = "PL", pipInAzc: Bool? = nil, fines: Int = 0) -> DuoStatus {
        DuoStatus(
            bsn: bsn, regime: "1", doelgroep: "A", plichtStart: "2024-01-01", termijnEinde: "2027-01-01", status: status, statusdatum: nil,
            leerroute: "B", leerrouteStart: nil, pipDatum: "2024-03-01", pipInAzc: pipInAzc, taalniveau: nil, aantalBoetes: fines,
            invorderingGepauzeerd: false, gemeente: "GM0363", geslacht: "V", geboortedatum: "19900100", landHerkomst: "SYR", werkend: false,
            vervolgonderwijs: nil)
    }
}
