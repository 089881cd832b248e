import Foundation
import KetenpoortCore
import Testing

@Suite("Batch and run ids")
struct TextIdentifierTests {
    struct Report: Codable, Equatable {
        var run: RunID
        var batches: [BatchID]
    }

    @Test("a report with typed ids reads and writes the same JSON as with plain strings")
    func plainJSON() throws {
        let json = #"{"batches":["coa-gemeenten-20261101-GM0363-1"],"run":"coa-gemeenten-20261101"}"#
        let report = try JSONDecoder().decode(Report.self, from: Data(json.utf8))
        #expect(report == Report(run: "coa-gemeenten-20261101", batches: ["coa-gemeenten-20261101-GM0363-1"]))
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        #expect(String(decoding: try encoder.encode(report), as: UTF8.self) == json)
    }

    @Test("an id shows and orders as its text")
    func text() {
        let ids: [BatchID] = ["b-2", "b-10", "a"]
        #expect(ids.sorted().map(\.description) == ["a", "b-10", "b-2"])
        #expect("\(RunID("duo-ingest-ab12"))" == "duo-ingest-ab12")
    }

    @Test("a run that takes a file is named by its job, the file's name and the second it began")
    func fileRun() {
        let run = RunID(job: "medisch-advies", file: URL(fileURLWithPath: "/in/advies-42.jsonl"), at: Date(timeIntervalSince1970: 1_790_000_000))
        #expect(run.value == "medisch-advies-advies-42-1790000000")
    }
}
