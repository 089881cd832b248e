import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Store

extension CoaGemeenteSync {
    /// Step 1: validates the snapshot and stages each identifiable person: a clean record with its
    /// municipality, its content hash (of the `nieuw` notification it would make, consent-bound
    /// fields included only with a valid consent) and its values; a quarantined one as seen only.
    ///
    /// Three threads share the work: one reads and validates the snapshot, one encodes (hash and
    /// values), this one writes the scratch file; items are handed over in chunks through bounded
    /// queues (memory stays flat). Two threads left one core half idle: the reader alone was the
    /// bottleneck (1,000,000 persons: stage step 4.2–5.6 s against 5.0–6.6 s in four interleaved
    /// pairs, 2026-12-03).
    func stage(_ input: URL, into staging: SyncStaging, consent: ConsentPolicy) throws -> ValidationReport {
        let items = BoundedQueue<[StagingReader.Item]>(capacity: 4)
        let queue = BoundedQueue<[SyncStaging.StagedRow]>(capacity: 4)
        return try staging.write { db in
            let writer = try SyncStaging.SnapshotWriter(in: db, staging: staging)
            var pacer = WritebackPacer(file: staging.url)
            defer { pacer.close() }
            let reader = StagingReader(sync: self, input: input, queue: items).start()
            let encoder = StagingEncoder(sync: self, consent: consent, items: items, rows: queue).start()
            var rows = 0
            do {
                while let chunk = queue.take() {
                    for row in chunk {
                        try writer.add(row)
                        pacer.wrote()
                    }
                    rows += chunk.count
                    progress.advanced("reading", items: rows)
                }
                // The encoder's own failure first: it cancelled the reader, whose error only says so.
                try encoder.wait().get()
                try writer.finish()
                progress.finished("reading", items: rows)
            } catch {
                queue.cancel()
                _ = encoder.wait()
                _ = reader.wait()
                throw error
            }
            return try reader.wait().get()
        }
    }

    /// Step 2: merges the staged snapshot (sorted by person) with the sent state (read in person
    /// order from one read view) and stages every notification, with the night's counts.
    ///
    /// Per person: linked elsewhere before → withdrawn there (identifiers only); new for its
    /// municipality → `nieuw`; different from what was sent → `wijziging`; the same → nothing. Gone
    /// from the snapshot → withdrawn, unless they had been housed there (then only forgotten). A
    /// quarantined row changes nothing for its person. A municipality without a registered party
    /// is held and counted. Notifications keep the file's order per municipality (a withdrawal
    /// before the notification of the line that caused it); withdrawals of persons gone follow.
    func merge(_ staging: SyncStaging, run: RunID, report: inout SyncReport) throws {
        try staging.sortSnapshot()
        var counts = report
        var goneSequence = 1 << 40
        try staging.withSnapshotByPerson { next, db in
            let insert = try SyncStaging.withdrawalInsert(in: db)
            /// A notification from the sent state: a withdrawal, or a forgetting.
            func notify(_ gemeente: String, _ sequence: Int, _ kind: NotificationKind, person: String, state: SentState) throws {
                try staging.addWithdrawal(
                    gemeente: gemeente, sequence: sequence, kind: kind, person: person, bsn: state.bsn, vnummer: state.vnummer, with: insert)
            }
            var persons = 0
            func decide(_ person: String, _ rows: [SyncStaging.SnapshotRow], _ states: [SentState]) throws {
                persons += 1
                if persons % WorkProgressReport.every == 0 { progress.advanced("comparing", items: persons) }
                guard !rows.isEmpty else {
                    for state in states {
                        if state.isHoused {
                            try notify(state.gemeente, 0, .vergeten, person: person, state: state)
                            counts.leftHoused += 1
                        } else if registry.gemeente(state.gemeente) == nil {
                            counts.held[state.gemeente, default: 0] += 1
                        } else {
                            goneSequence += 1
                            try notify(state.gemeente, goneSequence, .intrekking, person: person, state: state)
                            counts.perMunicipality[state.gemeente, default: .init()].intrekking += 1
                        }
                    }
                    return
                }
                guard let row = rows.first(where: \.isClean) else { return }
                for state in states where state.gemeente != row.gemeente {
                    if registry.gemeente(state.gemeente) == nil {
                        counts.held[state.gemeente, default: 0] += 1
                    } else {
                        try notify(state.gemeente, 2 * row.line, .intrekking, person: person, state: state)
                        counts.perMunicipality[state.gemeente, default: .init()].intrekking += 1
                    }
                }
                guard let gemeente = row.gemeente else {
                    if states.isEmpty { counts.unlinked += 1 }
                    return
                }
                guard registry.gemeente(gemeente) != nil else {
                    counts.held[gemeente, default: 0] += 1
                    return
                }
                if let previous = states.first(where: { $0.gemeente == gemeente }) {
                    if previous.contentHash == row.contentHash {
                        counts.unchanged += 1
                    } else {
                        staging.addSending(line: row.line, isChange: true)
                        counts.perMunicipality[gemeente, default: .init()].wijziging += 1
                    }
                } else {
                    staging.addSending(line: row.line, isChange: false)
                    counts.perMunicipality[gemeente, default: .init()].nieuw += 1
                }
            }
            var pending = try next()
            /// Decides the staged persons ordered before `person` (all when nil): none was sent anything.
            func drain(before person: String?) throws {
                while let row = pending, person.map({ row.person.utf8.lexicographicallyPrecedes($0.utf8) }) ?? true {
                    var rows = [row]
                    pending = try next()
                    while let more = pending, more.person == row.person {
                        rows.append(more)
                        pending = try next()
                    }
                    try decide(row.person, rows, [])
                }
            }
            var group: [SentState] = []
            func flush() throws {
                guard let person = group.first?.person.value else { return }
                try drain(before: person)
                var rows: [SyncStaging.SnapshotRow] = []
                while let row = pending, row.person == person {
                    rows.append(row)
                    pending = try next()
                }
                try decide(person, rows, group)
                group.removeAll(keepingCapacity: true)
            }
            try store.read { tx in
                try tx.forEachSentByPerson { state in
                    if let first = group.first, first.person != state.person { try flush() }
                    group.append(state)
                }
            }
            try flush()
            try drain(before: nil)
            progress.finished("comparing", items: persons)
        }
        report = counts
    }
}
