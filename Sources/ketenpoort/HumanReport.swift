import Adapters
import Contracts
import Exchanges
import Gateway

/// The short reports a person reads at the end of a command.
enum HumanReport {
    static func validation(_ report: ValidationReport, file: String, limit: Int = 50) -> String {
        var lines = ["\(file) against contract \(report.contract)"]
        lines.append("  items: \(report.items)  accepted: \(report.accepted)  quarantined: \(report.quarantined)  rejected: \(report.rejected)")
        if !report.unknownColumns.isEmpty {
            lines.append("  ignored \(report.unknownColumns.count) unknown column(s): \(report.unknownColumns.joined(separator: ", "))")
        }
        for finding in report.findings.prefix(limit) {
            let field = finding.field.map { " [\($0)]" } ?? ""
            lines.append("  \(finding.level == .file ? "FILE " : "")\(finding.position): \(finding.rule)\(field): \(finding.message)")
        }
        let more = report.findings.count - min(report.findings.count, limit) + report.findingsNotListed
        if more > 0 { lines.append("  … and \(more) more finding(s); use --json for all") }
        lines.append(report.isRejected ? "verdict: REJECTED — nothing of this file is applied" : "verdict: accepted")
        return lines.joined(separator: "\n")
    }

    static func translation(_ report: TranslationReport, out: String) -> String {
        var text = validation(report.validation, file: report.input, limit: 20)
        guard !report.validation.isRejected else { return text }
        text +=
            "\n  written: \(report.writtenTotal) notification(s) for \(report.written.count) municipalit\(report.written.count == 1 ? "y" : "ies") into \(out)"
        for (gemeente, count) in report.written.sorted(by: { $0.key < $1.key }) { text += "\n    \(gemeente).xml  \(count)" }
        text += "\n  not linked to a municipality (counted, not written): \(report.unlinked)"
        text +=
            "\n  balance: \(report.writtenTotal) written + \(report.unlinked) unlinked + \(report.validation.quarantined) quarantined = \(report.validation.items) items \(report.isBalanced ? "✓" : "✗")"
        return text
    }
}

extension HumanReport {
    static func sync(_ report: SyncReport) -> String {
        var text = validation(report.validation, file: "snapshot \(report.snapshotDate)", limit: 20)
        guard !report.validation.isRejected else { return text }
        text += "\n  run \(report.run)"
        text += "\n  municipality   nieuw  wijziging  intrekking"
        for (code, counts) in report.perMunicipality.sorted(by: { $0.key < $1.key }) {
            text += "\n  \(code)     \(pad(counts.nieuw, 5))  \(pad(counts.wijziging, 9))  \(pad(counts.intrekking, 10))"
        }
        text +=
            "\n  unchanged (not sent again): \(report.unchanged)   not linked: \(report.unlinked)   housed and gone (nothing sent): \(report.leftHoused)"
        if !report.held.isEmpty {
            text +=
                "\n  HELD (no registered party): "
                + report.held.sorted(by: { $0.key < $1.key }).map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        }
        text += "\n  sealed into the outbox: \(report.batches.count) batch(es)"
        if !report.blocked.isEmpty {
            text += "\n  BLOCKED by the routing or consent guard (incident recorded): \(report.blocked.map(\.value).joined(separator: ", "))"
        }
        return text
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
