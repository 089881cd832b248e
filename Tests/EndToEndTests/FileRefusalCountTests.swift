import Foundation
import KetenpoortTesting
import Testing

/// One rule for every format: a file-level refusal counts every item the file holds — however far
/// reading got — and rejects all of them (none accepted, none quarantined), with the file-level
/// finding and its rule code. Through `ketenpoort validate` (and `translate` for COA).
@Suite("File-level refusals count every item (CLI)")
struct FileRefusalCountTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let contract: String
        let sample: (partner: String, file: String)
        /// Builds the defective file's text from the sample's.
        let make: @Sendable (String) -> String
        let items: Int
        let rule: String
        /// Line or record number of the file finding.
        let position: Int
        var testDescription: String { name }

        /// The defective file's bytes: the sample's, read and written byte for byte (as Latin-1).
        func file() throws -> [UInt8] {
            let text = try String(contentsOf: Repository.sample(sample.partner, sample.file), encoding: .isoLatin1)
            let defective = make(text)
            #expect(defective != text)
            return defective.unicodeScalars.map { UInt8($0.value) }
        }
    }

    /// The lines of a file ending in a line end (a CR of a CRLF stays on its line).
    static func lines(_ text: String) -> [String] {
        text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { String($0) }
    }
    static func joined(_ lines: [String]) -> String { lines.joined(separator: "\n") + "\n" }
    /// `text` with `target` replaced on line `number` only.
    static func replacing(_ target: String, with replacement: String, onLine number: Int, of text: String) -> String {
        var lines = lines(text)
        lines[number - 1] = lines[number - 1].replacingOccurrences(of: target, with: replacement)
        return joined(lines)
    }

    static let coa = ("coa", "tvs-export-20261122.csv")
    static let duo = ("duo", "duo-inburgering-20261122.dat")
    static let consent = ("toestemming", "toestemming-20261122.jsonl")
    static let advice = ("argonaut", "argonaut-advies-20261122.jsonl")

    static let cases: [Case] = [
        // CSV: the sample holds 24 persons on 25 lines after its header (one has a line break in a quoted field).
        Case(
            name: "CSV without its header line", contract: "coa-tvs-export", sample: coa, make: { joined(Array(lines($0).dropFirst())) },
            items: 24, rule: "file.structure", position: 1),
        Case(
            name: "CSV missing a required column", contract: "coa-tvs-export", sample: coa,
            make: { replacing(";achternaam;", with: ";familienaam;", onLine: 1, of: $0) }, items: 24, rule: "file.missing-column", position: 1),
        // Rows before line 21 are read (18, one on two lines); from there each line counts (6).
        Case(
            name: "CSV with an unterminated quote on line 21", contract: "coa-tvs-export", sample: coa,
            make: { replacing(";TUR;", with: ";\"TUR;", onLine: 21, of: $0) }, items: 24, rule: "file.structure", position: 21),
        // Fixed width: the sample holds 30 detail records between its header and trailer.
        Case(
            name: "fixed width without its trailer", contract: "duo-status-extract", sample: duo, make: { joined(Array(lines($0).dropLast())) },
            items: 30, rule: "file.structure", position: 31),
        Case(
            name: "fixed width without its header", contract: "duo-status-extract", sample: duo, make: { joined(Array(lines($0).dropFirst())) },
            items: 30, rule: "file.structure", position: 1),
        Case(
            name: "fixed width with a detail record after the trailer", contract: "duo-status-extract", sample: duo,
            make: {
                let l = lines($0); return joined(l + [l[1]])
            }, items: 31, rule: "file.structure", position: 33),
        // JSON lines: the samples hold 8 lines; cut off in the middle of the last.
        Case(
            name: "JSON lines (consent) cut off inside the last line", contract: "toestemming", sample: consent,
            make: { String($0.dropLast(20)) }, items: 8, rule: "file.structure", position: 8),
        Case(
            name: "JSON lines (advice) cut off inside the last line", contract: "argonaut-advies", sample: advice,
            make: { String($0.dropLast(30)) }, items: 8, rule: "file.structure", position: 8),
    ]

    @Test("validate: items = every item held, all rejected, the file finding with its rule code, exit 1", arguments: cases)
    func validate(refusal: Case) async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let file = try directory.write(refusal.sample.file, try refusal.file())

        let output = try await CLI.runDetached(["validate", "--contract", refusal.contract, "--json", file.path])
        #expect(output.status == 1, "\(output)")
        let json = try output.json()
        #expect(json["items"] as? Int == refusal.items, "\(output)")
        #expect(json["rejected"] as? Int == refusal.items)
        #expect(json["accepted"] as? Int == 0)
        #expect(json["quarantined"] as? Int == 0)
        let fileFindings = try #require(json["findings"] as? [[String: Any]]).filter { $0["level"] as? String == "file" }
        #expect(fileFindings.map { $0["rule"] as? String } == [refusal.rule], "\(output)")
        let position = fileFindings.first?["position"] as? [String: Int]
        #expect((position?["line"] ?? position?["record"]) == refusal.position, "\(output)")

        let human = try await CLI.runDetached(["validate", "--contract", refusal.contract, file.path])
        #expect(human.status == 1)
        #expect(human.stdout.contains("items: \(refusal.items)  accepted: 0  quarantined: 0  rejected: \(refusal.items)"), "\(human)")
        #expect(human.stdout.contains("REJECTED"))
    }

    @Test("translate: the same counts in report.json, balanced, and no document written", arguments: cases.filter { $0.contract == "coa-tvs-export" })
    func translate(refusal: Case) async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let input = try TempDirectory()
        defer { input.remove() }
        let file = try input.write(refusal.sample.file, try refusal.file())
        let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", file.path, "--out", directory.url.path])
        #expect(output.status == 1, "\(output)")
        #expect(output.stdout.contains("items: \(refusal.items)  accepted: 0  quarantined: 0  rejected: \(refusal.items)"), "\(output)")
        #expect(try !directory.contents().contains { $0.hasSuffix(".xml") })
        let report = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: directory.file("report.json"))) as? [String: Any])
        #expect(report["items"] as? Int == refusal.items)
        #expect(report["rejected"] as? Int == refusal.items)
        #expect((report["written"] as? [String: Int])?.isEmpty == true)
        #expect((report["findings"] as? [[String: Any]])?.contains { $0["rule"] as? String == refusal.rule } == true)
    }
}
