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
}
