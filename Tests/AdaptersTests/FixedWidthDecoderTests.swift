import Adapters
import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

/// DUO's status extract read by the real `duo-status-extract` adapter (formats.md §3).
@Suite("DUO fixed-width decoding")
struct FixedWidthDecoderTests {
    static func adapter() throws -> InboundAdapter { try Registries.inbound("duo-status-extract") }

    static let sample = Repository.sample("duo", "duo-inburgering-20261122.dat")

    /// The 100-character lines of the 2026-11-22 sample: header, 30 details, trailer.
    static func sampleLines() throws -> [String] {
        String(decoding: try Data(contentsOf: sample), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    static func decode(_ bytes: [UInt8]) throws -> Decoded {
        let adapter = try adapter()
        return try TempFile.with(bytes, suffix: ".dat") { try Decoded(adapter, $0) }
    }

    static func decode(lines: [String]) throws -> Decoded {
        try decode(Array((lines.joined(separator: "\n") + "\n").utf8))
    }

    static func object(_ role: ObjectRole) throws -> SchemaObject {
        try #require(try adapter().mapping.objects.first { $0.object.role == role }).object
    }

    @Test("the sample decodes to one header, 30 detail records and one trailer")
    func sampleFile() throws {
        let decoded = try Decoded(try Self.adapter(), Self.sample)
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.headers.count == 1)
        #expect(decoded.items.count == 30)
        #expect(decoded.trailers.count == 1)
        #expect(decoded.order.first == "header")
        #expect(decoded.order.last == "trailer")
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
        #expect(decoded.items.map(\.position) == (2...31).map { .record($0) })
        #expect(decoded.trailers.first?.position == .record(32))

        let header = try Self.object(.header), detail = try Self.object(.item), trailer = try Self.object(.trailer)
        #expect(decoded.headers.first?.text("afzenderOin", in: header) == "00000001003214345000")
        #expect(decoded.headers.first?.text("aanmaakdatum", in: header) == "20261122")
        #expect(Int(decoded.headers.first?.text("volgnummer", in: header) ?? "") == 42)
        #expect(Int(decoded.trailers.first?.text("aantal", in: trailer) ?? "") == 30)

        // The first detail record, field by field.
        let first = try #require(decoded.items.first)
        #expect(first.text("bsn", in: detail) == "490060262")
        #expect(first.text("regime", in: detail) == "1")
        #expect(first.text("doelgroep", in: detail) == "A")
        #expect(first.text("plichtStart", in: detail) == "20260105")
        #expect(first.text("status", in: detail) == "PL")
        #expect(first.text("leerroute", in: detail) == "B")
        #expect(first.text("taalniveau", in: detail) == "A2")
        #expect(first.text("gemeente", in: detail) == "GM0363")
        #expect(first.text("geboortedatum", in: detail) == "19790205")
        #expect(first.text("landHerkomst", in: detail) == "SYR")
        // Spaces and 00000000 mean "no value".
        let second = decoded.items[1]
        #expect(second.text("taalniveau", in: detail) == nil)
        #expect(second.text("geboortedatum", in: detail) == "19900700")

        // Every detail record passes its contract on the reference day.
        let mapping = try Self.adapter().mapping.item
        let validator = ItemValidator(object: mapping.object, layouts: mapping.dateLayouts, now: ReferenceDay.now)
        for item in decoded.items {
            var findings: [Finding] = []
            _ = validator.validate(item, findings: &findings)
            #expect(findings.isEmpty, "\(item.position): \(findings)")
        }
    }

    @Test("the trailer's control total is the sum of the detail BSNs")
    func controlTotal() throws {
        let decoded = try Decoded(try Self.adapter(), Self.sample)
        let detail = try Self.object(.item), trailer = try Self.object(.trailer)
        let sum = decoded.items.compactMap { $0.text("bsn", in: detail).flatMap { Int($0) } }.reduce(0, +) % 1_000_000_000_000_000
        #expect(Int(decoded.trailers.first?.text("controletotaal", in: trailer) ?? "") == sum)
    }

    @Test("text is ISO-8859-15: 0xA4 is the euro sign and the other Latin-9 letters decode")
    func latin9() throws {
        var lines = try Self.sampleLines().map { Array($0.utf8) }
        // Municipality field (positions 62–67) and country of origin (77–79) of the first detail record.
        lines[1].replaceSubrange(61..<67, with: [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC])
        lines[1].replaceSubrange(76..<79, with: [0xBD, 0xBE, 0xE9])
        #expect(lines[1].count == 100)
        let bytes = lines.joined(separator: [10]) + [10]
        let decoded = try Self.decode(Array(bytes))
        let detail = try Self.object(.item)
        #expect(decoded.fileFindings.isEmpty)
        let item = try #require(decoded.items.first)
        #expect(item.malformation == nil)
        #expect(item.text("gemeente", in: detail) == "€ŠšŽžŒ")
        #expect(item.text("landHerkomst", in: detail) == "œŸé")
        #expect(item.text("gemeente", in: detail)?.contains("€") == true)
        #expect(item.text("gemeente", in: detail)?.contains("¤") == false)
        // The other records are untouched.
        #expect(decoded.items[1].text("gemeente", in: detail) == "GM0772")
    }

    @Test("lines may end in CRLF")
    func crlf() throws {
        let lines = try Self.sampleLines()
        let decoded = try Self.decode(Array((lines.joined(separator: "\r\n") + "\r\n").utf8))
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 30)
        #expect(decoded.items.allSatisfy { $0.malformation == nil })
    }

    @Test("a file without a line end after the trailer is complete")
    func noFinalNewline() throws {
        let lines = try Self.sampleLines()
        let decoded = try Self.decode(Array(lines.joined(separator: "\n").utf8))
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.trailers.count == 1)
    }

    /// A structural defect, named for the test log.
    struct Defect: CustomTestStringConvertible, Sendable {
        let name: String
        /// Builds the defective lines from the sample's lines.
        let make: @Sendable ([String]) -> [String]
        /// The record (line number) the finding is about.
        let record: Int
        /// Detail records the file holds (read, or counted after the refusal).
        var details = 30
        var testDescription: String { name }
    }

    static let defects: [Defect] = [
        Defect(name: "the header is not on line 1", make: { [$0[1], $0[0]] + $0[2...] }, record: 1),
        Defect(name: "a second header", make: { [$0[0], $0[1], $0[0]] + $0[2...] }, record: 3),
        Defect(name: "no header at all", make: { Array($0.dropFirst()) }, record: 1),
        Defect(name: "a detail record after the trailer", make: { $0 + [$0[1]] }, record: 33, details: 31),
        Defect(name: "a second trailer", make: { $0 + [$0.last!] }, record: 33),
        Defect(name: "an unknown record type", make: { l in [l[0], l[1], "X" + l[2].dropFirst()] + l[3...] }, record: 3, details: 29),
        Defect(name: "a lower-case record type", make: { l in [l[0], "d" + l[1].dropFirst()] + l[2...] }, record: 2, details: 29),
        Defect(name: "an empty line", make: { l in [l[0], l[1], ""] + l[2...] }, record: 3),
        Defect(name: "no trailer", make: { Array($0.dropLast()) }, record: 31),
        Defect(name: "a header of the wrong length", make: { l in [String(l[0].dropLast())] + l[1...] }, record: 1),
        Defect(name: "a trailer of the wrong length", make: { l in l.dropLast() + [l.last! + " "] }, record: 32),
    ]

    @Test("structural defects reject the file with file.structure; every detail record it holds is still counted", arguments: defects)
    func structure(defect: Defect) throws {
        let decoded = try Self.decode(lines: defect.make(try Self.sampleLines()))
        let finding = try #require(decoded.fileFindings.first)
        #expect(decoded.fileFindings.count == 1)
        #expect(finding.rule == .structure)
        #expect(finding.level == .file)
        #expect(finding.position == .record(defect.record))
        // Read before the refusal, or counted (not read) from it on: the records of type D.
        #expect(decoded.items.count + decoded.order.filter { $0 == "skipped" }.count == defect.details)
    }

    @Test("a detail record of the wrong length is malformed, but its fields are still read")
    func shortDetail() throws {
        let decoded = try Decoded(try Self.adapter(), Repository.fixture("duo-short-line.dat"))
        let detail = try Self.object(.item)
        #expect(decoded.fileFindings.isEmpty)
        #expect(decoded.items.count == 5)
        #expect(decoded.items.map { $0.malformation != nil } == [false, false, true, false, false])
        #expect(decoded.items[2].position == .record(4))
        // The control total covers every detail record, so the BSN is still read.
        #expect(decoded.items[2].text("bsn", in: detail)?.count == 9)
    }

    @Test("the bad-count, bad-total and missing-trailer fixtures decode; the trailer is checked by the pipeline")
    func badFixturesDecode() throws {
        for name in ["duo-bad-trailer-count.dat", "duo-bad-control-total.dat"] {
            let decoded = try Decoded(try Self.adapter(), Repository.fixture(name))
            #expect(decoded.fileFindings.isEmpty, "\(name)")
            #expect(decoded.items.count == 5, "\(name)")
            #expect(decoded.trailers.count == 1, "\(name)")
        }
        let missing = try Decoded(try Self.adapter(), Repository.fixture("duo-missing-trailer.dat"))
        #expect(missing.fileFindings.map(\.rule) == [.structure])
        #expect(missing.trailers.isEmpty)
    }
}
