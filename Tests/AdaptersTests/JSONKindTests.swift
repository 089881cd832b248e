import Foundation
import Testing

@testable import Adapters

/// Which JSON type each contract type calls for, and the text a value of that type becomes.
@Suite("JSON kinds")
struct JSONKindTests {
    static func value(_ json: String) throws -> Any {
        try #require(try JSONSerialization.jsonObject(with: Data("[\(json)]".utf8)) as? [Any]).first!
    }

    @Test(
        "a value of the expected kind becomes text; another kind is named, never converted",
        arguments: [
            (JSONKind.string, #""007""#, "007", nil),
            (.string, "7", nil, JSONKind.number),
            (.string, "true", nil, .boolean),
            (.string, "{}", nil, .object),
            (.number, "7", "7", nil),
            (.number, "-12", "-12", nil),
            (.number, "1e2", "100", nil),
            (.number, "3.0", "3", nil),
            (.number, "2.5", "2.5", nil),
            (.number, #""7""#, nil, .string),
            (.number, "false", nil, .boolean),
            (.boolean, "true", "true", nil),
            (.boolean, "false", "false", nil),
            (.boolean, "1", nil, .number),
            (.boolean, #""J""#, nil, .string),
            (.boolean, "[true]", nil, .array),
        ] as [(JSONKind, String, String?, JSONKind?)])
    func text(expected: JSONKind, json: String, text: String?, found: JSONKind?) throws {
        switch expected.text(of: try Self.value(json)) {
        case .success(let value):
            #expect(value == text)
            #expect(found == nil)
        case .failure(let kind):
            #expect(kind == found)
            #expect(text == nil)
        }
    }

    @Test("the contract's types: string, date and timestamp call for a string, integer a number, boolean true or false")
    func expected() {
        #expect([.string, .date, .timestamp, .integer, .boolean].map(JSONKind.expected(for:)) == [.string, .string, .string, .number, .boolean])
    }
}
