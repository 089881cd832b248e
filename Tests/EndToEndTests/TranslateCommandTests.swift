import Adapters
import Contracts
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Counts what the tests need from a notification document: root attributes, Kennisgeving
/// elements and their `soort`, and every element name.
final class NotificationSummary: NSObject, XMLParserDelegate {
    var rootName: String?
    var rootNamespace: String?
    var rootAttributes: [String: String] = [:]
    var kennisgevingen = 0
    var soorten: [String] = []
    var elementNames: Set<String> = []
    var emptyElements: [String] = []
    private var stack: [(name: String, hasContent: Bool)] = []

    static func parse(_ url: URL) throws -> NotificationSummary {
        let summary = NotificationSummary()
        let parser = try #require(XMLParser(contentsOf: url))
        parser.shouldProcessNamespaces = true
        parser.delegate = summary
        guard parser.parse() else {
            throw CocoaError(
                .fileReadCorruptFile,
                userInfo: [NSLocalizedDescriptionKey: "\(url.lastPathComponent) is not well-formed: \(String(describing: parser.parserError))"])
        }
        return summary
    }

    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        if rootName == nil {
            rootName = elementName
            rootNamespace = namespaceURI
            rootAttributes = attributeDict.filter { !$0.key.hasPrefix("xmlns") }
        }
        if !stack.isEmpty { stack[stack.count - 1].hasContent = true }
        if elementName == "Kennisgeving" {
            kennisgevingen += 1
            soorten.append(attributeDict["soort"] ?? "")
        }
        elementNames.insert(elementName)
        stack.append((elementName, !attributeDict.filter { !$0.key.hasPrefix("xmlns") }.isEmpty))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !string.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, !stack.isEmpty { stack[stack.count - 1].hasContent = true }
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let element = stack.removeLast()
        if !element.hasContent { emptyElements.append(element.name) }
    }
}

/// `ketenpoort translate --from coa --to gemeente`, run as a process, and the translation in process.
@Suite("CLI translate")
struct TranslateCommandTests {
    static let sample = "adapters/coa/samples/tvs-export-20261122.csv"

    static func report(_ directory: TempDirectory) throws -> [String: Any] {
        let data = try Data(contentsOf: directory.file("report.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The municipalities of the clean items of `url`.
    static func linkedMunicipalities(_ url: URL) throws -> [String: Int] {
        let pipeline = ValidationPipeline(adapter: try Repository.workspace().adapters.inbound(contract: "coa-tvs-export"), clock: Clock.referenceDay)
        var counts: [String: Int] = [:]
        _ = try pipeline.run(url) { record, isClean in
            if isClean, let gemeente = record["gemeente"].text { counts[gemeente, default: 0] += 1 }
        }
        return counts
    }

    @Test("the sample becomes one well-formed document per linked municipality and a balanced report")
    func sampleTranslation() async throws {
        try await TempDirectory.with { directory in
            let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", Self.sample, "--out", directory.url.path])
            #expect(output.status == 0, "\(output)")

            let expected = try Self.linkedMunicipalities(Repository.root.appendingPathComponent(Self.sample))
            #expect(!expected.isEmpty)
            let entries = try directory.contents()
            #expect(Set(entries) == Set(expected.keys.map { "\($0).xml" } + ["report.json"]))
            #expect(!entries.contains { $0.hasSuffix(".part") })

            for (gemeente, count) in expected {
                let summary = try NotificationSummary.parse(directory.file("\(gemeente).xml"))
                #expect(summary.rootName == "Kennisgevingen")
                #expect(summary.rootNamespace == "urn:nl:inburgering:koppeling:v1")
                #expect(summary.rootAttributes["gemeente"] == gemeente)
                #expect(summary.rootAttributes["batch"]?.isEmpty == false)
                #expect(summary.rootAttributes["aangemaakt"].flatMap { ISO8601DateFormatter().date(from: $0) } != nil)
                #expect(summary.rootAttributes["aantal"] == String(summary.kennisgevingen))
                #expect(summary.kennisgevingen == count)
                #expect(summary.soorten.allSatisfy { $0 == "nieuw" })
                #expect(!summary.elementNames.contains("Gezondheid"))
                #expect(summary.emptyElements.isEmpty, "\(gemeente): \(summary.emptyElements)")
                let text = try String(contentsOf: directory.file("\(gemeente).xml"), encoding: .utf8)
                #expect(!text.contains("Gezondheid"))
            }

            let report = try Self.report(directory)
            let items = try #require(report["items"] as? Int)
            let written = try #require(report["written"] as? [String: Int])
            let unlinked = try #require(report["unlinked"] as? Int)
            let quarantined = try #require(report["quarantined"] as? Int)
            let rejected = try #require(report["rejected"] as? Int)
            #expect(items == 24)
            #expect(written == expected)
            #expect(written.values.reduce(0, +) + unlinked + quarantined + rejected == items)
            #expect(report["unknownColumns"] as? [String] == ["OPMERKING_INTERN"])
            #expect(output.stdout.contains("balance:"))

            // Ghebremedhin's BSN is written with eight digits in the snapshot; the notification has nine.
            let gm0014 = try String(contentsOf: directory.file("GM0014.xml"), encoding: .utf8)
            #expect(gm0014.contains("<BSN>022232369</BSN>"))
            #expect(!gm0014.contains("<BSN>22232369</BSN>"))
            #expect(output.stdout.contains("✓"))
        }
    }

    @Test("no health notes reach any document, although the sample holds some")
    func noHealthNotes() async throws {
        let sample = try String(contentsOf: Repository.root.appendingPathComponent(Self.sample), encoding: .utf8)
        let notes = ["Hoge bloeddruk", "Zwanger", "Rugklachten", "Posttraumatische", "Astma"]
        #expect(notes.allSatisfy { sample.contains($0) })
        try await TempDirectory.with { directory in
            let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", Self.sample, "--out", directory.url.path])
            #expect(output.status == 0, "\(output)")
            for entry in try directory.contents() {
                let text = try String(contentsOf: directory.file(entry), encoding: .utf8)
                for note in notes { #expect(!text.contains(note), "\(entry)") }
            }
        }
    }

    @Test("a snapshot with quarantined rows writes only the clean ones and still balances")
    func quarantinedRows() async throws {
        try await TempDirectory.with { directory in
            let output = try await CLI.runDetached([
                "translate", "--from", "coa", "--to", "gemeente", "Tests/Fixtures/coa-one-bad-row-of-each-kind.csv", "--out", directory.url.path,
            ])
            #expect(output.status == 0, "\(output)")
            let report = try Self.report(directory)
            let written = try #require(report["written"] as? [String: Int])
            let items = try #require(report["items"] as? Int)
            let quarantined = try #require(report["quarantined"] as? Int)
            let unlinked = try #require(report["unlinked"] as? Int)
            #expect(items == 23)
            #expect(quarantined == 15)
            #expect(written.values.reduce(0, +) + unlinked + quarantined == items)
            var total = 0
            for (gemeente, count) in written {
                let summary = try NotificationSummary.parse(directory.file("\(gemeente).xml"))
                #expect(summary.kennisgevingen == count)
                #expect(summary.rootAttributes["aantal"] == String(count))
                total += summary.kennisgevingen
            }
            #expect(total == written.values.reduce(0, +))
            #expect(!(try directory.contents()).contains { $0.hasSuffix(".part") })
        }
    }

    @Test("a rejected snapshot (no ACHTERNAAM column) exits 1 and writes no document")
    func rejectedSnapshot() async throws {
        try await TempDirectory.with { directory in
            let input = try TempDirectory()
            defer { input.remove() }
            let header = COA.columns.filter { $0 != "ACHTERNAAM" }
            let rows = [COA.valid, COA.valid.merging(["BSN": "111222333", "VNUMMER": "1234567891", "GEMEENTE": "GM0344"]) { $1 }]
            let text =
                ([header.joined(separator: ";")] + rows.map { row in header.map { row[$0] ?? "" }.joined(separator: ";") }).joined(separator: "\n")
                + "\n"
            let file = try input.write("tvs-export-20261122.csv", text)
            let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", file.path, "--out", directory.url.path])
            #expect(output.status == 1, "\(output)")
            let entries = try directory.contents()
            #expect(!entries.contains { $0.hasSuffix(".xml") })
            #expect(!entries.contains { $0.hasSuffix(".part") })
            #expect(output.stdout.contains("REJECTED"))
            if entries.contains("report.json") {
                let report = try Self.report(directory)
                #expect((report["written"] as? [String: Int])?.isEmpty == true)
                #expect((report["findings"] as? [[String: Any]])?.first?["rule"] as? String == "file.missing-column")
            }
        }
    }

    @Test("a snapshot rejected late (unterminated quote after clean rows) writes no document")
    func rejectedLate() async throws {
        try await TempDirectory.with { directory in
            let input = try TempDirectory()
            defer { input.remove() }
            let text = COA.file([
                COA.valid, COA.valid.merging(["BSN": "111222333", "VNUMMER": "1234567891", "WERKERVARING": "\"nooit gesloten"]) { $1 },
            ])
            let file = try input.write("tvs-export-20261122.csv", text)
            let output = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", file.path, "--out", directory.url.path])
            #expect(output.status == 1, "\(output)")
            let entries = try directory.contents()
            #expect(!entries.contains { $0.hasSuffix(".xml") }, "\(entries)")
            #expect(!entries.contains { $0.hasSuffix(".part") }, "\(entries)")
        }
    }

    @Test("progress is not drawn with carriage returns when output is piped", .timeLimit(.minutes(5)))
    func noProgressOnPipes() async throws {
        try await TempDirectory.with { directory in
            // More rows than the progress interval (50 000), so a terminal would get progress lines.
            let input = try SnapshotGenerator(rows: 60_000).write(to: directory.file("tvs-export-bench.csv"))
            let out = directory.file("out")
            let translate = try await CLI.runDetached(["translate", "--from", "coa", "--to", "gemeente", input.path, "--out", out.path])
            #expect(translate.status == 0, "\(translate.stderr)")
            #expect(!translate.stderr.contains("\r"))
            #expect(!translate.stdout.contains("\r"))
            #expect(!translate.stderr.contains("\u{1B}["))
            let validate = try await CLI.runDetached(["validate", "--contract", "coa-tvs-export", input.path])
            #expect(validate.status == 0, "\(validate.stderr)")
            #expect(!validate.stderr.contains("\r"))
            #expect(!validate.stdout.contains("\r"))
            #expect(validate.stdout.contains("items: 60000"))
        }
    }

    @Test("in process: the documents carry the run's moment and a batch id per municipality")
    func inProcess() throws {
        try TempDirectory.with { directory in
            let translation = try CoaToGemeenteTranslation(workspace: try Repository.workspace(), clock: Clock.referenceDay)
            var progressed = 0
            let report = try translation.run(input: Repository.root.appendingPathComponent(Self.sample), into: directory.url) { progressed += $0 }
            #expect(progressed == 24)
            #expect(report.isBalanced)
            #expect(!report.validation.isRejected)
            #expect(report.writtenTotal + report.unlinked == 24)
            for gemeente in report.written.keys {
                let summary = try NotificationSummary.parse(directory.file("\(gemeente).xml"))
                #expect(summary.rootAttributes["aangemaakt"] == "2026-11-22T12:00:00+01:00")
                #expect(summary.rootAttributes["batch"] == "\(gemeente)-tvs-export-20261122")
            }
        }
    }
}
