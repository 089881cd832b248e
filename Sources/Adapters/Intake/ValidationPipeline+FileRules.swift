import Contracts
import Foundation

extension ValidationPipeline {
    /// The contract's file-level rules once the whole file is read: the trailer's record count and
    /// control total, and the header's sequence number against the last one applied.
    func checkFileRules(
        _ contract: DataContract, _ parts: [String: (Record, Position)], totals: [Int], items: Int, into report: inout ValidationReport
    ) {
        var totalIndex = 0
        for rule in contract.objects.flatMap(\.fileRules) {
            switch rule.kind {
            case .recordCount(let object, let field):
                guard let (record, position) = parts[object], let count = record[field].integer else { continue }
                if count != items {
                    report.findings.append(
                        Finding(
                            position: position, field: field, rule: rule.code,
                            message: "the \(object) counts \(count) records, the file holds \(items)", level: .file))
                }
            case .controlTotal(let object, let field, _, _):
                defer { totalIndex += 1 }
                guard let (record, position) = parts[object], let total = record[field].integer else { continue }
                if total != totals[totalIndex] {
                    report.findings.append(
                        Finding(
                            position: position, field: field, rule: rule.code, message: "the control total does not match the sum of the records",
                            level: .file))
                }
            case .sequence(let object, let field):
                guard let lastSequence, let (record, position) = parts[object], let sequence = record[field].integer else { continue }
                if sequence != lastSequence + 1 {
                    let what = sequence <= lastSequence ? "was already used" : "skips \(sequence - lastSequence - 1) number(s)"
                    report.findings.append(
                        Finding(
                            position: position, field: field, rule: rule.code,
                            message: "sequence number \(sequence) \(what); expected \(lastSequence + 1)", level: .file))
                }
            }
        }
    }
}
