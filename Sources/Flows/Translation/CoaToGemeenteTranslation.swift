import Adapters
import Contracts
import Foundation
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

    public init(workspace: Workspace, clock: any WallClock = SystemWallClock()) throws {
        pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: "coa-tvs-export"), clock: clock)
        outbound = try workspace.adapters.outbound(partner: .gemeente)
        self.clock = clock
    }

    /// Translates `input` into `directory`; `progress` is called with the number of items read.
    public func run(input: URL, into directory: URL, progress: (Int) -> Void = { _ in }) throws -> TranslationReport {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var writers: [String: KennisgevingWriter] = [:]
        var unlinked = 0
        let soort: [String: FieldValue] = ["soort": .text("nieuw")]
        let validation: ValidationReport
        do {
            let gemeenteSlot = pipeline.adapter.mapping.item.object.slot(of: "gemeente")!
            validation = try pipeline.run(input) { record, isClean in
                progress(1)
                guard isClean else { return }
                guard let gemeente = record.values[gemeenteSlot].text else {
                    unlinked += 1
                    return
                }
                let writer: KennisgevingWriter
                if let existing = writers[gemeente] {
                    writer = existing
                } else {
                    writer = try KennisgevingWriter(gemeente: gemeente, directory: directory)
                    writers[gemeente] = writer
                }
                try outbound.encode(record, context: soort, into: &writer.buffer)
                writer.count += 1
                try writer.flushIfNeeded()
            }
        } catch {
            writers.values.forEach { $0.discard() }
            throw error
        }
        var report = TranslationReport(input: input.lastPathComponent, validation: validation)
        guard !validation.isRejected else {
            writers.values.forEach { $0.discard() }
            logger.warning("snapshot rejected", metadata: ["file": "\(input.lastPathComponent)", "findings": "\(validation.findings.count)"])
            return report
        }
        let created = Self.timestamp(clock.now())
        for (gemeente, writer) in writers.sorted(by: { $0.key < $1.key }) {
            let context = ["gemeente": gemeente, "batch": "\(gemeente)-\(input.deletingPathExtension().lastPathComponent)", "aangemaakt": created, "aantal": String(writer.count)]
            _ = try writer.finish(adapter: outbound, context: context)
            report.written[gemeente] = writer.count
        }
        report.unlinked = unlinked
        logger.info("snapshot translated", metadata: ["items": "\(validation.items)", "municipalities": "\(writers.count)"])
        return report
    }

    /// ISO 8601 with the Europe/Amsterdam offset, e.g. `2026-11-22T02:00:04+01:00`.
    static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = .amsterdam
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
