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

    @Test("every byte value is a digit exactly when it is one of 0-9, a-f, A-F, in either place of a pair")
    func everyByte() {
        let digits = Set("0123456789abcdefABCDEF".utf8)
        for byte in UInt8.min...UInt8.max {
            let value = digits.contains(byte) ? UInt8(String(UnicodeScalar(byte)), radix: 16) : nil
            let high = Hex.decode([byte, UInt8(ascii: "0")].map { Character(UnicodeScalar($0)) }.reduce(into: "") { $0.append($1) })
            let low = Hex.decode([UInt8(ascii: "0"), byte].map { Character(UnicodeScalar($0)) }.reduce(into: "") { $0.append($1) })
            #expect(high == value.map { Data([$0 << 4]) }, "byte \(byte) first")
            #expect(low == value.map { Data([$0]) }, "byte \(byte) second")
        }
    }
}
