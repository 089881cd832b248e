import Contracts
import Foundation
import KetenpoortCore
import Store

extension CoaGemeenteSync {
    /// Step 1: validates the snapshot and stages each identifiable person: a clean record with its
    /// municipality, its content hash (of the `nieuw` notification it would make, consent-bound
    /// fields included only with a valid consent) and its values; a quarantined one as seen only.
    func stage(_ input: URL, into staging: SyncStaging, consent: ConsentPolicy) throws -> ValidationReport {
        let object = pipeline.adapter.mapping.item.object
        let slots = (
            bsn: object.slot(of: "bsn")!, vnummer: object.slot(of: "vnummer")!, gemeente: object.slot(of: "gemeente")!,
            housed: object.slot(of: "huisvestingsdatum")!
        )
        var fragment: [UInt8] = []
        var values: [UInt8] = []
        return try staging.write { db in
            var writer = try SyncStaging.SnapshotWriter(in: db)
            var pacer = WritebackPacer(file: staging.url)
            defer { pacer.close() }
            let report = try pipeline.run(input, onPositionedItem: { record, position, isClean in
                let bsn = record.values[slots.bsn].text, vnummer = record.values[slots.vnummer].text
                guard let person = PersonKey(vnummer: vnummer, bsn: bsn) else { return }
                let gemeente = isClean ? record.values[slots.gemeente].text : nil
                var hash: String?
                var stored: [UInt8]?
                // Only a person bound for a registered municipality can need a notification.
                if let gemeente, registry.gemeente(gemeente) != nil {
                    let health = consent.decide(record, bsn: bsn, recipient: gemeente)
                    fragment.removeAll(keepingCapacity: true)
                    try outbound.encode(record, context: ["soort": .text("nieuw")], consented: health?.consented ?? [], into: &fragment)
                    hash = Self.hash(fragment)
                    values.removeAll(keepingCapacity: true)
                    record.encodeValues(into: &values)
                    // A copy of its own size: the row may wait in a run, and `values` keeps its capacity.
                    stored = [UInt8](unsafeUninitializedCapacity: values.count) { buffer, count in
                        count = buffer.initialize(fromContentsOf: values)
                    }
                }
                try writer.add(SyncStaging.StagedRow(
                    person: person.value, line: position.number, isClean: isClean, gemeente: gemeente, contentHash: hash,
                    isHoused: !record.values[slots.housed].isAbsent, bsn: bsn, vnummer: vnummer, record: stored))
                pacer.wrote()
            })
            try writer.finish()
            return report
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
    func merge(_ staging: SyncStaging, run: String, report: inout SyncReport) throws {
        try staging.sortSnapshot()
        var counts = report
        var goneSequence = 1 << 40
        try staging.withSnapshotByPerson { next, db in
            let insert = try SyncStaging.notificationInsert(in: db)
            func notify(_ gemeente: String, _ sequence: Int, _ soort: String, person: String, snapshot: Int64?, state: SentState? = nil) throws {
                try SyncStaging.addNotification(
                    gemeente: gemeente, sequence: sequence, soort: soort, person: person, snapshot: snapshot, bsn: state?.bsn,
                    vnummer: state?.vnummer, with: insert)
            }
            func decide(_ person: String, _ rows: [SyncStaging.SnapshotRow], _ states: [SentState]) throws {
                guard !rows.isEmpty else {
                    for state in states {
                        if state.isHoused {
                            try notify(state.gemeente, 0, Self.forget, person: person, snapshot: nil, state: state)
                            counts.leftHoused += 1
                        } else if registry.gemeente(state.gemeente) == nil {
                            counts.held[state.gemeente, default: 0] += 1
                        } else {
                            goneSequence += 1
                            try notify(state.gemeente, goneSequence, "intrekking", person: person, snapshot: nil, state: state)
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
                        try notify(state.gemeente, 2 * row.line, "intrekking", person: person, snapshot: nil, state: state)
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
                        try notify(gemeente, 2 * row.line + 1, "wijziging", person: person, snapshot: row.rowid)
                        counts.perMunicipality[gemeente, default: .init()].wijziging += 1
                    }
                } else {
                    try notify(gemeente, 2 * row.line + 1, "nieuw", person: person, snapshot: row.rowid)
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
        }
        report = counts
    }
}
