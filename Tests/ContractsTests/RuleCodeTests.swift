import Contracts
import Foundation
import KetenpoortCore
import Testing

/// Every item-level rule code, each with a value that fails it and one that passes.
@Suite("Rule codes")
struct RuleCodeTests {
    static let contract = try! ContractLoader.load(
        yaml: """
            apiVersion: v3.1.0
            kind: DataContract
            id: rules
            version: 1.0.0
            customProperties:
              - {property: purpose, value: testing}
              - {property: legalBasis, value: none}
            schema:
              - name: item
                properties:
                  - {name: bsn, logicalType: string, customProperties: [{property: format, value: bsn}, {property: classification, value: identifier}, {property: recipients, value: [duo]}]}
                  - {name: vnummer, logicalType: string, customProperties: [{property: format, value: vnummer}, {property: classification, value: identifier}, {property: recipients, value: [duo]}]}
                  - {name: naam, logicalType: string, required: true, logicalTypeOptions: {minLength: 2, maxLength: 5}, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: code, logicalType: string, logicalTypeOptions: {pattern: "^[A-Z]{2}[0-9]$"}, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: soort, logicalType: string, quality: [{metric: invalidValues, arguments: {validValues: [a, b]}, mustBe: 0}], customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: uren, logicalType: integer, logicalTypeOptions: {minimum: 0, maximum: 10}, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: datum, logicalType: date, customProperties: [{property: notInFuture, value: true}, {property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: geboren, logicalType: date, customProperties: [{property: format, value: incomplete-date}, {property: notInFuture, value: true}, {property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: later, logicalType: date, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: moment, logicalType: timestamp, customProperties: [{property: notInFuture, value: true}, {property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: gemeente, logicalType: string, customProperties: [{property: format, value: gemeentecode}, {property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: koppeldatum, logicalType: date, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: land, logicalType: string, customProperties: [{property: format, value: country}, {property: classification, value: personal}, {property: recipients, value: [duo]}]}
                  - {name: actief, logicalType: boolean, customProperties: [{property: classification, value: personal}, {property: recipients, value: [duo]}]}
                quality:
                  - {type: custom, engine: ketenpoort, name: later, description: later before datum, implementation: {kind: notBefore, field: later, reference: datum, code: record.later-before-datum}}
                  - {type: custom, engine: ketenpoort, name: id, description: bsn or vnummer, implementation: {kind: requireOneOf, fields: [bsn, vnummer], code: record.bsn-or-vnummer}}
                  - {type: custom, engine: ketenpoort, name: koppel, description: koppeldatum with gemeente, implementation: {kind: requiredWith, field: koppeldatum, when: gemeente, code: record.koppeldatum-required}}
            """, file: "rules.yaml")

    /// 2026-11-22 12:00 Amsterdam.
    static let now = Date(timeIntervalSince1970: Double(CalendarDate(year: 2026, month: 11, day: 22)!.daysSinceEpoch) * 86400 + 11 * 3600)

    static let valid: [String: String] = [
        "bsn": "123456782", "vnummer": "1234567890", "naam": "Anna", "code": "AB1", "soort": "a", "uren": "7", "datum": "2026-11-22",
        "geboren": "1990-07-00", "later": "2026-11-22", "moment": "2026-11-22T12:00:00+01:00", "gemeente": "GM0363", "koppeldatum": "2026-11-01",
        "land": "SYR", "actief": "true",
    ]

    func findings(_ changes: [String: String?]) -> [Finding] {
        let object = Self.contract.item
        var values = Self.valid
        for (key, value) in changes { values[key] = value }
        let raw = RawItem(position: .line(7), texts: object.fields.map { values[$0.name] })
        var findings: [Finding] = []
        _ = ItemValidator(object: object, now: Self.now).validate(raw, findings: &findings)
        return findings
    }

    @Test("a fully valid item has no findings")
    func validItem() {
        #expect(findings([:]).isEmpty)
    }

    @Test(
        "each rule fails on its bad value and passes on a good one",
        arguments: [
            (RuleCode.required, "naam", nil, "Bo"),
            (.type, "uren", "twaalf", "3"),
            (.characters, "naam", "An\u{0B}a", "An\ta"),
            (.type, "moment", "2026-11-22 12:00", "2026-11-22T11:00:00Z"),
            (.type, "actief", "misschien", "false"),
            (.enumeration, "soort", "c", "b"),
            (.pattern, "code", "A1B", "ZZ9"),
            (.length, "naam", "Annabel", "Annab"),
            (.length, "naam", "A", "Al"),
            (.range, "uren", "11", "10"),
            (.range, "uren", "-1", "0"),
            (.bsn, "bsn", "123456789", "111222333"),
            (.bsn, "bsn", "12345678", "012345672"),
            (.format, "vnummer", "123456789", "0000000001"),
            (.format, "gemeente", "GM363", "GM0014"),
            (.format, "land", "SY", "ERI"),
            (.date, "datum", "2024-02-30", "2024-02-29"),
            (.date, "datum", "22-11-2026", "2026-11-21"),
            (.date, "geboren", "1990-00-05", "1990-00-00"),
            (.future, "datum", "2026-11-23", "2026-11-22"),
            (.future, "geboren", "2027-00-00", "2026-00-00"),
            (.future, "moment", "2026-11-22T12:00:01+01:00", "2026-11-22T11:00:00+01:00"),
        ] as [(RuleCode, String, String?, String)])
    func rule(code: RuleCode, field: String, bad: String?, good: String) {
        let failing = findings([field: bad])
        #expect(failing.map(\.rule) == [code])
        #expect(failing.first?.field == field)
        #expect(failing.first?.position == .line(7))
        #expect(findings([field: good]).isEmpty)
    }

    @Test("cross-field rules of the contract")
    func crossField() {
        #expect(findings(["later": "2026-11-21"]).map(\.rule) == ["record.later-before-datum"])
        #expect(findings(["later": "2026-11-22"]).isEmpty)
        #expect(findings(["bsn": nil, "vnummer": nil]).map(\.rule) == ["record.bsn-or-vnummer"])
        #expect(findings(["bsn": nil]).isEmpty)
        #expect(findings(["koppeldatum": nil]).map(\.rule) == ["record.koppeldatum-required"])
        #expect(findings(["koppeldatum": nil, "gemeente": nil]).isEmpty)
    }

    @Test("a cross-field rule is not reported on top of a broken field")
    func oneDefectOneFinding() {
        #expect(findings(["later": "2026-02-31"]).map(\.rule) == [.date])
    }

    @Test("messages never contain the value")
    func noValuesInMessages() {
        let all = findings(["bsn": "123456789", "naam": "Mohammed", "code": "XYZ123"])
        #expect(all.count == 3)
        for finding in all {
            #expect(!finding.message.contains("123456789"))
            #expect(!finding.message.contains("Mohammed"))
            #expect(!finding.message.contains("XYZ123"))
        }
    }
}
