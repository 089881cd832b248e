import Adapters
import Contracts
import Foundation
import KetenpoortCore

/// Measures decode → validate → encode of a COA snapshot into municipal XML on one thread.
public struct PipelineBenchmark {
    public struct Result: Codable, Sendable {
        public let rows: Int
        public let seconds: Double
        public let recordsPerSecond: Double
        public let peakResidentMiB: Double
        public let bytesEncoded: Int
    }

    let workspace: Workspace

    public init(workspace: Workspace) { self.workspace = workspace }

    public func run(file: URL) throws -> Result {
        let pipeline = ValidationPipeline(adapter: try workspace.adapters.inbound(contract: "coa-tvs-export"))
        let outbound = try workspace.adapters.outbound(partner: .gemeente)
        let soort: [String: FieldValue] = ["soort": .text("nieuw")]
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        var encoded = 0
        let start = DispatchTime.now()
        let gemeente = pipeline.adapter.mapping.item.object.slot(of: "gemeente")!
        let report = try pipeline.run(file) { record, isClean in
            guard isClean, !record.values[gemeente].isAbsent else { return }
            try outbound.encode(record, context: soort, into: &buffer)
            if buffer.count >= 1 << 20 {
                encoded += buffer.count
                buffer.removeAll(keepingCapacity: true)
            }
        }
        encoded += buffer.count
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        return Result(rows: report.items, seconds: seconds, recordsPerSecond: Double(report.items) / seconds, peakResidentMiB: Self.peakResidentMiB(), bytesEncoded: encoded)
    }

    /// The process's peak resident set size.
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Starts the peak of `peakResidentSinceResetMiB()` afresh from the current resident size
    /// (Linux: `5` written to `/proc/self/clear_refs` resets VmHWM), so one phase of a benchmark
    /// can be measured after another.
    public static func resetPeakResident() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    /// The peak resident size since `resetPeakResident()` (VmHWM); the process's peak when it cannot be read.
    public static func peakResidentSinceResetMiB() -> Double { status("VmHWM:") ?? peakResidentMiB() }

    /// The resident size now (VmRSS), 0 when it cannot be read.
    public static func residentMiB() -> Double { status("VmRSS:") ?? 0 }

    /// A size field of `/proc/self/status`, in MiB.
    private static func status(_ field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }
}
