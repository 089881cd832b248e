import Testing

@testable import Adapters

/// Escaping byte for byte: into an array (document heads, other encoders) and through a cursor
/// (the XML item programs) the bytes must be the same.
@Suite("XML escaping")
struct XMLEscapingTests {
    static let input = "a\t\n\r\u{1}&<>\"'\u{7F}Zoë"
    static let text = "a\t\n&#13;\u{FFFD}&amp;&lt;&gt;\"'\u{7F}Zoë"
    static let attribute = "a&#9;&#10;&#13;\u{FFFD}&amp;&lt;&gt;&quot;&apos;\u{7F}Zoë"

    /// What `write` puts through a cursor into room for the most escaping can make of `input`.
    static func written(_ input: String, _ write: (String, inout ByteCursor) -> Void) -> String {
        let room = UnsafeMutablePointer<UInt8>.allocate(capacity: input.utf8.count * XMLEscaping.expansion)
        defer { room.deallocate() }
        var cursor = ByteCursor(room)
        write(input, &cursor)
        return String(decoding: cursor.written, as: UTF8.self)
    }

    @Test("text: markup characters and CR as entities, tab and LF as they are, other controls as U+FFFD")
    func text() {
        var output: [UInt8] = []
        XMLEscaping.appendText(Self.input, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == Self.text)
        #expect(Self.written(Self.input, XMLEscaping.writeText) == Self.text)
    }

    @Test("attributes: quotes and every line break and tab as entities too")
    func attribute() {
        var output: [UInt8] = []
        XMLEscaping.appendAttribute(Self.input, to: &output)
        #expect(String(decoding: output, as: UTF8.self) == Self.attribute)
        #expect(Self.written(Self.input, XMLEscaping.writeAttribute) == Self.attribute)
    }

    @Test("plain text is written as it is", arguments: ["", "GM0363", "Öztürk-Doğan 😀"])
    func plain(value: String) {
        var text: [UInt8] = [], attribute: [UInt8] = []
        XMLEscaping.appendText(value, to: &text)
        XMLEscaping.appendAttribute(value, to: &attribute)
        #expect(text == Array(value.utf8))
        #expect(attribute == Array(value.utf8))
        #expect(Self.written(value, XMLEscaping.writeText) == value)
        #expect(Self.written(value, XMLEscaping.writeAttribute) == value)
    }
}
