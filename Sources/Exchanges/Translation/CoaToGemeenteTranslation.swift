import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import Logging

/// Translates a COA TVS snapshot into one notification document per linked municipality, all
/// `soort="nieuw"` (there is no earlier state here), without health notes (no consent register).
/// A rejected snapshot writes nothing.
public struct CoaToGemeenteTranslation: Sendable {
    let pipeline: ValidationPipeline
    let outbound: OutboundAdapter
    let clock: any WallClock
    let logger = Logger(label: "ketenpoort.translate")
    /// How much encoded output is held before it is written out.
    var outputLimits = KennisgevingWriters.Limits()

    public init(workspace: Workspace, clock: any WallClock = SystemWallClock()) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: "coa-tvs-export"), clock: clock)
        outbound = try workspace.adapters.outbound(partner: .gemeente)
        self.clock = clock
    }

    /// Translates `input` into `directory`; `progress` is called with the number of items read.
    public func run(input: URL, into directory: URL, progress: (Int) -> Void = { _ in }) throws -> TranslationReport {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var documents = KennisgevingWriters(directory: directory, limits: outputLimits)
        var unlinked = 0
        let soort = NotificationKind.nieuw.context
        let batch = input.deletingPathExtension().lastPathComponent
        let validation: ValidationReport
        do {
            let itemObject = pipeline.adapter.mapping.item.object
            let gemeenteSlot = itemObject.slot(of: "gemeente")!
            var writer = outbound.recordWriter(for: itemObject, context: soort)
            validation = try pipeline.run(
                input, countingRowsPer: "gemeente",
                onRowCounts: { counts in
                    // Each document's head as it will be if every row of the municipality is written;
                    // any instant stands in for the time it is made (the text has a fixed length).
                    let created = Self.timestamp(Date(timeIntervalSince1970: 0))
                    for (gemeente, rows) in counts {
                        var head: [UInt8] = []
                        outbound.begin(context: Self.context(gemeente: gemeente, batch: batch, created: created, count: rows), into: &head)
                        documents.expectedHeadLengths[gemeente] = head.count
                    }
                },
                onItem: { record, isClean in
                    progress(1)
                    guard isClean else { return }
                    guard let gemeente = record.values[gemeenteSlot].text else {
                        unlinked += 1
                        return
                    }
                    try documents.append(to: gemeente) { buffer in try writer.encode(record, into: buffer) }
                })
        } catch {
            documents.discardAll()
            throw error
        }
        var report = TranslationReport(input: input.lastPathComponent, validation: validation)
        guard !validation.isRejected else {
            documents.discardAll()
            logger.warning("snapshot rejected", metadata: ["file": "\(input.lastPathComponent)", "findings": "\(validation.findings.count)"])
            return report
        }
        let created = Self.timestamp(clock.now())
        for (gemeente, writer) in documents.writers.sorted(by: { $0.key < $1.key }) {
            _ = try writer.finish(adapter: outbound, context: Self.context(gemeente: gemeente, batch: batch, created: created, count: writer.count))
            report.written[gemeente] = writer.count
        }
        report.unlinked = unlinked
        logger.info("snapshot translated", metadata: ["items": "\(validation.items)", "municipalities": "\(documents.writers.count)"])
        return report
    }

    /// The root attributes of a municipality's document.
    static func context(gemeente: String, batch: String, created: String, count: Int) -> [String: String] {
        ["gemeente": gemeente, "batch": "\(gemeente)-\(batch)", "aangemaakt": created, "aantal": String(count)]
    }

    /// ISO 8601 with the Europe/Amsterdam offset, e.g. `2026-11-22T02:00:04+01:00`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .amsterdam
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
