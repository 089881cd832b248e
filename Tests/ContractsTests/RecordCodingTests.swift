import Contracts
import Foundation
import KetenpoortCore
import KetenpoortTesting
import Testing

@Suite("Record values as scratch bytes")
struct RecordCodingTests {
    @Test("every kind of value survives encoding and decoding; damaged bytes are an error")
    func roundTrip() throws {
        let registry = try ContractRegistry.load(directory: Repository.contracts)
        let object = try #require(registry.contracts["coa-tvs-export"]).item
        var record = Record(object: object)
        let kinds: [FieldValue] = [
            .text("Café ‘Ω’"), .integer(-42), .date(CalendarDate(year: 2026, month: 11, day: 22)!),
            .incompleteDate(IncompleteDate(year: 1985, month: 7, day: 0)!),
            .timestamp(Timestamp(instant: Date(timeIntervalSince1970: 1_790_000_000.25), text: "2026-09-21T10:00:00.25+02:00")), .boolean(true),
            .text(""),
        ]
        for (slot, value) in kinds.enumerated() where slot < record.values.count { record.values[slot] = value }
        var bytes: [UInt8] = []
        record.encodeValues(into: &bytes)
        let decoded = try Record(object: object, encoded: bytes)
        #expect(decoded.values == record.values)
        #expect(throws: KetenpoortError.self) { try Record(object: object, encoded: bytes.dropLast()) }
        #expect(throws: KetenpoortError.self) { try Record(object: object, encoded: bytes + [0]) }
    }
}
