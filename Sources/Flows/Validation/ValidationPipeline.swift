import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Logging

/// Decodes and validates one file against its contract, streaming: item findings quarantine that
/// item; file findings (missing column, structure, counts, control total, sequence) reject the
/// file. Clean items are handed on as they come; a caller must treat them as provisional until
/// the report says the file was not rejected.
public struct ValidationPipeline: Sendable {
    public let adapter: InboundAdapter
    let clock: any WallClock
    /// The last sequence number applied from this source (nil: no sequence check).
    let lastSequence: Int?
    let findingLimit: Int
    /// At most this many duplicate candidates are counted in the validation pass itself.
    let holdBackLimit = 2_000

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

    /// Validates `url` like `run(_:onItem:)`, also handing over the header and trailer records (once
    /// read, before the file rules are checked) and each item's raw texts — a quarantined item's
    /// record lacks the failing values, its raw texts still hold what the partner sent.
    public func run(_ url: URL, onFileRecord: (Record) throws -> Void, onRawItem: (Record, RawItem, Bool) throws -> Void) throws -> ValidationReport {
        let mapping = adapter.mapping
        let contract = mapping.contract
        let now = clock.now()
        var report = ValidationReport(contract: contract.id)
        let itemObject = mapping.item
        let validator = ItemValidator(object: itemObject.object, layouts: itemObject.dateLayouts, now: now)
        var validators: [String: ItemValidator] = [:]
        for object in mapping.objects where object.object.role != .item {
            validators[object.object.name] = ItemValidator(object: object.object, layouts: object.dateLayouts, now: now, level: .file)
        }
        let scanner = DuplicateScanner(decoder: adapter.decoder, object: itemObject.object)
        let candidates = try scanner.candidates(in: url)
        // Few candidates: count them in the validation pass and hold their rows back to the end.
        // Many: count them exactly in a second pass first.
        let holdBack = candidates.count <= holdBackLimit
        var duplicates = holdBack ? Set<DuplicateKey>() : try scanner.duplicates(in: url, among: candidates)
        var candidateCounts: [DuplicateKey: Int] = [:]
        var heldBack: [RawItem] = []
        let sums = contract.objects.flatMap(\.fileRules).compactMap { rule -> (String, Int)? in
            if case .controlTotal(_, _, let sumOf, let modulo) = rule.kind { return (sumOf, modulo) }
            return nil
        }
        var totals = [Int](repeating: 0, count: sums.count)
        let sumSlots = sums.map { itemObject.object.slot(of: $0.0)! }
        var headerOrTrailer: [String: (Record, Position)] = [:]
        var findings: [Finding] = []

        func keep(_ new: ArraySlice<Finding>) {
            for finding in new {
                if report.findings.count < findingLimit { report.findings.append(finding) } else { report.findingsNotListed += 1 }
            }
        }

        func process(_ raw: RawItem) throws {
            findings.removeAll(keepingCapacity: true)
            let record = validator.validate(raw, findings: &findings)
            if !duplicates.isEmpty && raw.malformation == nil {
                for key in scanner.keys(of: raw) where duplicates.contains(key) {
                    let field = itemObject.object.fields[key.slot]
                    findings.append(Finding(position: raw.position, field: field.name, rule: .unique, message: "\(field.physicalName) occurs more than once in the file"))
                }
            }
            for (index, slot) in sumSlots.enumerated() {
                if let text = raw.texts[slot], let number = Int(text) { totals[index] = (totals[index] + number) % sums[index].1 }
            }
            if findings.isEmpty { report.accepted += 1 } else { report.quarantined += 1 }
            keep(findings[...])
            try onRawItem(record, raw, findings.isEmpty)
        }

        try adapter.decoder.decode(url, onlyFields: nil) { event in
            switch event {
            case .unknownColumns(let names):
                report.unknownColumns = names
            case .fileFinding(let finding):
                keep([finding])
            case .skippedItem:
                report.items += 1
            case .header(let raw), .trailer(let raw):
                guard let object = mapping.objects.first(where: { isRole(event, $0.object.role) }) else { return }
                findings.removeAll(keepingCapacity: true)
                let record = validators[object.object.name]!.validate(raw, findings: &findings)
                keep(findings[...])
                headerOrTrailer[object.object.name] = (record, raw.position)
                try onFileRecord(record)
            case .item(let raw):
                report.items += 1
                if holdBack && !candidates.isEmpty && raw.malformation == nil {
                    var isCandidate = false
                    for slot in scanner.uniqueSlots {
                        guard let value = raw.texts[slot] else { continue }
                        let key = DuplicateKey(slot: slot, value: value)
                        if candidates.contains(key.filterHash) {
                            candidateCounts[key, default: 0] += 1
                            isCandidate = true
                        }
                    }
                    if isCandidate {
                        heldBack.append(raw)
                        return
                    }
                }
                try process(raw)
            }
        }
        if !heldBack.isEmpty {
            duplicates = Set(candidateCounts.filter { $0.value > 1 }.keys)
            for raw in heldBack { try process(raw) }
            report.findings.sort { $0.position.number < $1.position.number }
        }
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
