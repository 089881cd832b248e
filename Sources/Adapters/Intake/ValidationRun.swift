import Contracts
import Foundation
import KetenpoortCore

/// The state of one validation pass over a file, kept in one value so the per-item work runs on
/// plain stored properties (no captured variables, no run-time exclusivity checks).
struct ValidationRun {
    var report: ValidationReport
    let validator: ItemValidator
    let scanner: DuplicateScanner
    let findingLimit: Int
    /// Hashes of keys that may occur more than once (from the pre-scan).
    let candidates: KeyHashes
    /// Whether rows with a candidate key are held back to the end (few candidates), rather than
    /// counted in a second pass first.
    let holdsBack: Bool
    /// Keys known to occur more than once.
    var duplicates: Set<DuplicateKey>
    var candidateCounts: [DuplicateKey: Int] = [:]
    var heldBack: [RawItem] = []
    /// Control totals: the field slot summed and the modulus, per file rule.
    let sums: [(slot: Int, modulo: Int)]
    var totals: [Int]
    /// Findings of the item at hand.
    var findings: [Finding] = []
    /// The item at hand, typed (its storage serves every item while no receiver keeps it).
    var record: Record

    /// Counts `raw`, then validates it and hands it to `onRawItem`, or holds it back when one of its
    /// keys may be a duplicate.
    mutating func item(_ raw: RawItem, _ onRawItem: (Record, RawItem, Bool) throws -> Void) throws {
        report.items += 1
        if holdsBack && !candidates.isEmpty && raw.malformation == nil && isCandidate(raw) {
            heldBack.append(raw)
            return
        }
        try process(raw, onRawItem)
    }

    /// Whether a key of `raw` is a candidate duplicate; counts each such key.
    private mutating func isCandidate(_ raw: RawItem) -> Bool {
        var isCandidate = false
        for slot in scanner.uniqueSlots {
            guard let value = raw.texts[slot] else { continue }
            let hash = value.withContiguousUTF8 { DuplicateKey.filterHash(slot: slot, bytes: $0) }
            if candidates.contains(hash) {
                candidateCounts[DuplicateKey(slot: slot, value: value), default: 0] += 1
                isCandidate = true
            }
        }
        return isCandidate
    }

    /// Validates the held-back items, now that the duplicates among them are known.
    mutating func finishHeldBack(_ onRawItem: (Record, RawItem, Bool) throws -> Void) throws {
        guard !heldBack.isEmpty else { return }
        duplicates = Set(candidateCounts.filter { $0.value > 1 }.keys)
        let items = heldBack
        heldBack = []
        for raw in items { try process(raw, onRawItem) }
        report.findings.sort { $0.position.number < $1.position.number }
    }

    private mutating func process(_ raw: RawItem, _ onRawItem: (Record, RawItem, Bool) throws -> Void) throws {
        findings.removeAll(keepingCapacity: true)
        validator.validate(raw, into: &record, findings: &findings)
        if !duplicates.isEmpty && raw.malformation == nil {
            let object = validator.object
            for key in scanner.keys(of: raw) where duplicates.contains(key) {
                let field = object.fields[key.slot]
                findings.append(
                    Finding(
                        position: raw.position, field: field.name, rule: .unique, message: "\(field.physicalName) occurs more than once in the file"))
            }
        }
        for index in sums.indices {
            if let text = raw.texts[sums[index].slot], let number = Int(text) { totals[index] = (totals[index] + number) % sums[index].modulo }
        }
        let isClean = findings.isEmpty
        if isClean { report.accepted += 1 } else { report.quarantined += 1 }
        keepFindings()
        try onRawItem(record, raw, isClean)
    }

    /// Adds the item's findings to the report, up to the limit (beyond it they are only counted).
    mutating func keepFindings() {
        for finding in findings { keep(finding) }
    }

    mutating func keep(_ finding: Finding) {
        if report.findings.count < findingLimit { report.findings.append(finding) } else { report.findingsNotListed += 1 }
    }
}
