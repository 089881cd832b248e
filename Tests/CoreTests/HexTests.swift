import Foundation
import KetenpoortCore
import PropertyBased
import Testing

@Suite("Hex")
struct HexTests {
    @Test("decode gives back the bytes encode wrote, in either case")
    func roundTrip() async {
        await propertyCheck(input: Gen.uint8().array(of: 0...80)) { bytes in
            let text = Hex.encode(bytes)
            #expect(Hex.decode(text) == Data(bytes))
            #expect(Hex.decode(text.uppercased()) == Data(bytes))
            #expect(Hex.decode(Substring(text)) == Data(bytes))
        }
    }

    @Test("an odd length or a non-hex character decodes to nil")
    func rejects() {
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("0g") == nil)
        #expect(Hex.decode("g0") == nil)
        #expect(Hex.decode("00 1") == nil)
        #expect(Hex.decode("") == Data())
        #expect(Hex.decode("00fF") == Data([0x00, 0xFF]))
    }

    @Test("every ASCII character is a digit exactly when it is one of 0-9, a-f, A-F, in either place of a pair; no other character is")
    func everyCharacter() {
        let digits = Set("0123456789abcdefABCDEF".utf8)
        for byte in UInt8(0)...0x7F {
            let value = digits.contains(byte) ? UInt8(String(UnicodeScalar(byte)), radix: 16) : nil
            #expect(Hex.decode(String(decoding: [byte, UInt8(ascii: "0")], as: UTF8.self)) == value.map { Data([$0 << 4]) }, "byte \(byte) first")
            #expect(Hex.decode(String(decoding: [UInt8(ascii: "0"), byte], as: UTF8.self)) == value.map { Data([$0]) }, "byte \(byte) second")
        }
        // Beyond ASCII every byte belongs to a multi-byte character: an even count of them is still refused.
        #expect(Hex.decode("é") == nil && Hex.decode("0€") == nil && Hex.decode("ａ0") == nil)
    }
}
