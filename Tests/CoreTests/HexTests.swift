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
}
