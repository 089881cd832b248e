import Contracts
import Foundation
import KetenpoortCore
import Logging

/// Decodes and validates one file against its contract, streaming: item findings quarantine that
/// item; file findings (missing column, structure, counts, control total, sequence) reject the
/// file. Clean items are handed on as they come; a caller must treat them as provisional until
/// the report says the file was not rejected.
public struct ValidationPipeline: Sendable {
    /// The inbound adapter that reads the files.
    public let adapter: InboundAdapter
    let clock: any WallClock
    /// The last sequence number applied from this source (nil: no sequence check).
    let lastSequence: Int?
    let findingLimit: Int
    /// At most this many duplicate candidates are counted in the validation pass itself.
    let holdBackLimit = 2_000

    /// A pipeline for the files `adapter` reads, checked against its mapping's contract.
    /// - Parameters:
    ///   - clock: gives the moment of validation, for not-in-the-future.
    ///   - lastSequence: the last sequence number applied from this source; nil skips the `sequence` file rules.
    ///   - findingLimit: at most this many findings are listed in the report; the rest are only counted.
    public init(adapter: InboundAdapter, clock: any WallClock = SystemWallClock(), lastSequence: Int? = nil, findingLimit: Int = 100_000) {
        self.adapter = adapter
        self.clock = clock
        self.lastSequence = lastSequence
        self.findingLimit = findingLimit
    }

    /// Validates `url`; `onItem` receives every item's record and whether it is clean.
    public func run(_ url: URL, onItem: (Record, Bool) throws -> Void = { _, _ in }) throws -> ValidationReport {
        try run(url, onFileRecord: { _ in }, onRawItem: { record, _, isClean in try onItem(record, isClean) })
    }

    /// Validates `url`; `onPositionedItem` also receives where each item is (for findings of the
    /// flow's own rules).
    public func run(_ url: URL, onPositionedItem: (Record, Position, Bool) throws -> Void) throws -> ValidationReport {
        try run(url, onFileRecord: { _ in }, onRawItem: { record, raw, isClean in try onPositionedItem(record, raw.position, isClean) })
    }

    /// Validates `url` like `run(_:onItem:)`; before the first item, `onRowCounts` receives how
    /// many rows hold each value of the item field `field` — read in the pre-scan for duplicates,
    /// rows that fail validation included, so an upper bound of the items per value to come.
    public func run(
        _ url: URL, countingRowsPer field: String, onRowCounts: ([String: Int]) throws -> Void, onItem: (Record, Bool) throws -> Void
    ) throws -> ValidationReport {
        try run(url, countingRowsPer: field, onRowCounts: onRowCounts, onFileRecord: { _ in }) { record, _, isClean in
            try onItem(record, isClean)
        }
    }

    /// Validates `url` like `run(_:onItem:)`, also handing over the header and trailer records (once
    /// read, before the file rules are checked) and each item's raw texts — a quarantined item's
    /// record lacks the failing values, its raw texts still hold what the partner sent.
    public func run(_ url: URL, onFileRecord: (Record) throws -> Void, onRawItem: (Record, RawItem, Bool) throws -> Void) throws -> ValidationReport {
        try run(url, countingRowsPer: nil, onRowCounts: { _ in }, onFileRecord: onFileRecord, onRawItem: onRawItem)
    }

    private func run(
        _ url: URL, countingRowsPer countField: String?, onRowCounts: ([String: Int]) throws -> Void, onFileRecord: (Record) throws -> Void,
        onRawItem: (Record, RawItem, Bool) throws -> Void
    ) throws -> ValidationReport {
        let mapping = adapter.mapping
        let contract = mapping.contract
        let now = clock.now()
        let itemObject = mapping.item
        let validator = ItemValidator(object: itemObject.object, layouts: itemObject.dateLayouts, now: now)
        var validators: [String: ItemValidator] = [:]
        for object in mapping.objects where object.object.role != .item {
            validators[object.object.name] = ItemValidator(object: object.object, layouts: object.dateLayouts, now: now, level: .file)
        }
        let scanner = DuplicateScanner(decoder: adapter.decoder, object: itemObject.object)
        var rowCounts = ValueCounter()
        let candidates = try scanner.candidates(in: url, alsoReading: countField) { rowCounts.add($0) }
        if countField != nil { try onRowCounts(rowCounts.counts) }
        // Few candidates: count them in the validation pass and hold their rows back to the end.
        // Many: count them exactly in a second pass first.
        let holdBack = candidates.count <= holdBackLimit
        let duplicates = holdBack ? Set<DuplicateKey>() : try scanner.duplicates(in: url, among: candidates)
        let sums = contract.objects.flatMap(\.fileRules).compactMap { rule -> (slot: Int, modulo: Int)? in
            if case .controlTotal(_, _, let sumOf, let modulo) = rule.kind { return (itemObject.object.slot(of: sumOf)!, modulo) }
            return nil
        }
        var run = ValidationRun(
            report: ValidationReport(contract: contract.id), validator: validator, scanner: scanner, findingLimit: findingLimit,
            candidates: KeyHashes(candidates), holdsBack: holdBack, duplicates: duplicates, sums: sums,
            totals: [Int](repeating: 0, count: sums.count), record: Record(object: itemObject.object))
        var headerOrTrailer: [String: (Record, Position)] = [:]

        try adapter.decoder.decode(url, onlyFields: nil) { event in
            switch event {
            case .unknownColumns(let names):
                run.report.unknownColumns = names
            case .fileFinding(let finding):
                run.keep(finding)
            case .skippedItem:
                run.report.items += 1
            case .header(let raw), .trailer(let raw):
                guard let object = mapping.objects.first(where: { isRole(event, $0.object.role) }) else { return }
                run.findings.removeAll(keepingCapacity: true)
                let record = validators[object.object.name]!.validate(raw, findings: &run.findings)
                run.keepFindings()
                headerOrTrailer[object.object.name] = (record, raw.position)
                try onFileRecord(record)
            case .item(let raw):
                try run.item(raw, onRawItem)
            }
        }
        try run.finishHeldBack(onRawItem)
        var report = run.report
        let totals = run.totals
        if !report.isRejected {
            checkFileRules(contract, headerOrTrailer, totals: totals, items: report.items, into: &report)
        }
        if report.isRejected {
            report.rejected = report.items
            report.accepted = 0
            report.quarantined = 0
        }
        Logger(label: "ketenpoort.validation").info(
            "file validated",
            metadata: [
                "contract": "\(contract.id)", "items": "\(report.items)", "accepted": "\(report.accepted)",
                "quarantined": "\(report.quarantined)", "rejected": "\(report.rejected)",
            ])
        return report
    }

    private func isRole(_ event: DecodedEvent, _ role: ObjectRole) -> Bool {
        switch event {
        case .header: role == .header
        case .trailer: role == .trailer
        default: false
        }
    }
}
