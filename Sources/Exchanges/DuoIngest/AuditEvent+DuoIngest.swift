import Gateway

extension AuditEvent {
    /// A DUO status extract applied to the status store: which file, and the counts (no BSNs).
    public static func duoExtractApplied(_ report: DuoIngestReport) -> Self {
        Self(
            kind: "duo.extract-applied",
            payload: AuditPayload([
                "file": .text(report.file), "sha256": .text(report.sha256), "sequence": .number(report.sequence ?? 0),
                "creationDate": .text(report.creationDate ?? ""), "records": .number(report.validation.items),
                "quarantined": .number(report.validation.quarantined), "inserted": .number(report.inserted), "changed": .number(report.changed),
                "removed": .number(report.removed), "persons": .number(report.persons),
            ]))
    }

    /// A DUO status extract rejected as a whole: nothing of it applied.
    public static func duoExtractRejected(_ report: DuoIngestReport) -> Self {
        Self(
            kind: "duo.extract-rejected",
            payload: AuditPayload([
                "file": .text(report.file), "sha256": .text(report.sha256), "records": .number(report.validation.items),
                "rules": .texts(Array(Set(report.validation.findings.filter { $0.level == .file }.map(\.rule.rawValue))).sorted()),
            ]))
    }
}
