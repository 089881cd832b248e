import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Testing

/// The validation pipeline can count, in its pre-scan, the rows per value of a field — an upper
/// bound of the items per value it hands over later, given before the first of them.
@Suite("Pre-scan row counts")
struct PreScanRowCountTests {
    @Test("rows are counted per value before the first item, the rows that fail validation included")
    func counts() throws {
        try TempDirectory.with { directory in
            var rows: [[String: String]] = []
            for (index, gemeente) in ["GM0001", "GM0002", "GM0001", " GM0001 ", "", "GM0003"].enumerated() {
                rows.append(["BSN": "", "VNUMMER": String(1_000_000_000 + index), "GEMEENTE": gemeente, "GESLACHT": index == 2 ? "Q" : "V"])
            }
            let input = try directory.write("tvs-export-20261122.csv", COA.file(rows))
            let pipeline = ValidationPipeline(
                adapter: try Repository.workspace().adapters.inbound(contract: "coa-tvs-export"), clock: Clock.referenceDay)
            var counted: [String: Int]?
            var clean: [String: Int] = [:]
            let report = try pipeline.run(
                input, countingRowsPer: "gemeente", onRowCounts: { counted = $0 },
                onItem: { record, isClean in
                    #expect(counted != nil, "the counts come before the first item")
                    if isClean, let gemeente = record["gemeente"].text { clean[gemeente, default: 0] += 1 }
                })
            #expect(report.items == 6)
            // Trimmed as the mapping trims; an empty value is not counted.
            #expect(counted == ["GM0001": 3, "GM0002": 1, "GM0003": 1])
            #expect(clean == ["GM0001": 2, "GM0002": 1, "GM0003": 1])
        }
    }
}
