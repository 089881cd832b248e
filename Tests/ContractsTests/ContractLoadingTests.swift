import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@Suite("Contract loading")
struct ContractLoadingTests {
    @Test("every contract of the repository loads")
    func repositoryContracts() throws {
        let registry = try ContractRegistry.load(directory: Repository.contracts)
        #expect(
            Set(registry.contracts.keys) == [
                "coa-tvs-export", "gemeente-kennisgeving", "duo-status-extract", "ind-statusvraag", "cbs-levering", "argonaut-advies", "toestemming",
            ])
        let coa = try registry.contract("coa-tvs-export")
        #expect(coa.item.fields.count == 22)
        #expect(coa.item.field("gezondheid")?.classification == .specialCategory)
        #expect(coa.item.field("gezondheid")?.consentPurpose == "gezondheid-gemeente")
        #expect(coa.item.field("bsn")?.classification == .identifier)
        #expect(try registry.contract("argonaut-advies").item.fields.allSatisfy { $0.recipients == [.duo] })
        #expect(try registry.contract("duo-status-extract").objects.flatMap(\.fileRules).count == 3)
    }

    static let minimal = """
        apiVersion: v3.1.0
        kind: DataContract
        id: test
        version: 1.0.0
        customProperties:
          - property: purpose
            value: testing
          - property: legalBasis
            value: none
        schema:
          - name: item
            properties:
              - name: a
                logicalType: string
                customProperties:
                  - property: classification
                    value: personal
                  - property: recipients
                    value: [gemeente]
        """

    @Test("a minimal contract loads")
    func minimal() throws {
        let contract = try ContractLoader.load(yaml: Self.minimal, file: "test.yaml")
        #expect(contract.item.fields.map(\.name) == ["a"])
    }

    @Test(
        "a contract that does not load names the file, the line and what is wrong",
        arguments: [
            ("value: personal", "value: secret", 17, "not one of identifier, personal, special-category"),
            ("logicalType: string", "logicalType: text", 14, "'text' is not one of"),
            ("value: [gemeente]", "value: [buurman]", 19, "'buurman' is not a role"),
            ("kind: DataContract", "kind: Something", 2, "kind must be DataContract"),
            ("apiVersion: v3.1.0", "apiVersion: v2.2.0", 1, "the engine reads ODCS v3.1.0"),
            ("apiVersion: v3.1.0", "apiVersion: v3.0.2", 1, "'v3.0.2' is not supported"),
            (
                "      - name: a\n", "      - name: a\n        quality: [{rule: validValues, validValues: [x, y]}]\n", 14,
                "'rule' is the ODCS v3.0 form; write metric: invalidValues"
            ),
            ("      - name: a\n", "      - name: a\n        quality: [{metric: nullValues, mustBe: 0}]\n", 14, "metric 'nullValues' is not enforced"),
            (
                "      - name: a\n",
                "      - name: a\n        quality: [{metric: invalidValues, arguments: {validValues: [x]}, mustBeLessThan: 5}]\n", 14,
                "needs mustBe: 0"
            ),
            (
                "      - name: a\n", "      - name: a\n        quality: [{metric: invalidValues, arguments: {pattern: x}, mustBe: 0}]\n", 14,
                "missing required key 'validValues'"
            ),
            ("      - name: a\n", "      - name: a\n        logicalTypeOptions: {pattern: '(a|b)'}\n", 14, "groups and alternation"),
            ("value: [gemeente]", "value: [gemeente\n", 0, "YAML syntax error"),
            ("    value: none\n", "    value: none\n  - property: retention\n    value: 1 year\n", 11, "ISO 8601 duration"),
        ])
    func loadErrors(replace: String, with replacement: String, line: Int, message: String) throws {
        let yaml = Self.minimal.replacingOccurrences(of: replace, with: replacement)
        let error = #expect(throws: KetenpoortError.self) { try ContractLoader.load(yaml: yaml, file: "contracts/test.yaml") }
        #expect(error?.code == .contractInvalid)
        #expect(error?.reason.hasPrefix("contracts/test.yaml") == true, "\(error?.reason ?? "")")
        if line > 0 { #expect(error?.reason.hasPrefix("contracts/test.yaml:\(line):") == true, "\(error?.reason ?? "")") }
        #expect(error?.reason.contains(message) == true, "\(error?.reason ?? "")")
    }

    @Test("retention periods: ISO 8601 durations of years, months, weeks and days, counted back on the Amsterdam calendar")
    func retentionPeriods() throws {
        #expect(try ContractRegistry.load(directory: Repository.contracts).contract("gemeente-kennisgeving").retention == RetentionPeriod("P1Y"))
        for text in ["P1Y", "P18M", "P6W", "P30D", "P1Y6M", "P2Y0M10D", "P1M2W3D"] { #expect(RetentionPeriod(text)?.description == text) }
        for text in ["", "P", "1Y", "PT1H", "P1YT1H", "P1D1Y", "P1Y1Y", "P1.5Y", "PxY", "P-1Y", "p1y", "P12345Y", "P0D", "P0Y0M"] {
            #expect(RetentionPeriod(text) == nil, "\(text)")
        }
        #expect(RetentionPeriod("P1M2W3D").map { [$0.years, $0.months, $0.days] } == [0, 1, 17])
        let formatter = ISO8601DateFormatter()
        let now = try #require(formatter.date(from: "2026-11-25T10:00:00Z"))
        #expect(formatter.string(from: RetentionPeriod("P1Y")!.cutoff(before: now)) == "2025-11-25T10:00:00Z")
        // Back across the change to summer time: the same wall-clock hour in Amsterdam.
        let april = try #require(formatter.date(from: "2026-04-15T10:00:00Z"))
        #expect(formatter.string(from: RetentionPeriod("P30D")!.cutoff(before: april)) == "2026-03-16T11:00:00Z")
    }

    @Test("allowed values in the ODCS v3.1.0 form: metric invalidValues, arguments.validValues, mustBe 0; text rules pass through")
    func allowedValues() throws {
        let yaml = Self.minimal.replacingOccurrences(
            of: "      - name: a\n",
            with:
                "      - name: a\n        quality:\n          - {type: text, description: one of two}\n          - {metric: invalidValues, arguments: {validValues: [x, \"01\"]}, mustBe: 0}\n"
        )
        #expect(try ContractLoader.load(yaml: yaml, file: "test.yaml").item.field("a")?.validValues == ["x", "01"])
    }

    @Test("special-category data without a consent purpose is refused")
    func specialCategoryNeedsConsent() {
        let yaml = Self.minimal.replacingOccurrences(of: "value: personal", with: "value: special-category")
        #expect(throws: KetenpoortError.self) { try ContractLoader.load(yaml: yaml, file: "t.yaml") }
    }

    @Test("a field added to the CBS contract without a legal basis is refused")
    func cbsFieldNeedsLegalBasis() throws {
        let url = Repository.contracts.appendingPathComponent("cbs-levering.yaml")
        var text = try String(contentsOf: url, encoding: .utf8)
        let addition = [
            "      - name: achternaam", "        physicalName: achternaam", "        logicalType: string", "        required: false",
            "        customProperties:", "          - property: classification", "            value: personal",
            "          - property: recipients", "            value: [cbs]", "",
        ].joined(separator: "\n")
        let anchor = "      - name: regime\n"
        #expect(text.contains(anchor))
        text = text.replacingOccurrences(of: anchor, with: addition + anchor)
        let error = #expect(throws: KetenpoortError.self) { try ContractLoader.load(yaml: text, file: "cbs-levering.yaml") }
        #expect(error?.reason.contains("'achternaam' has no legalBasis") == true, "\(error?.reason ?? "")")
    }

    @Test("the registry refuses to load a directory with a broken contract")
    func registryRefuses() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("contracts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Self.minimal.replacingOccurrences(of: "id: test", with: "id: other").write(
            to: directory.appendingPathComponent("test.yaml"), atomically: true, encoding: .utf8)
        let error = #expect(throws: KetenpoortError.self) { try ContractRegistry.load(directory: directory) }
        #expect(error?.reason.contains("does not match the file name") == true)
    }
}
