import KetenpoortCore
import PropertyBased
import Testing

@Suite("BSN")
struct BSNTests {
    @Test("accepts numbers passing the 11-test", arguments: ["111222333", "123456782", "999990019"])
    func valid(_ text: String) {
        #expect(BSN(text)?.digits == text)
    }

    @Test("rejects numbers failing the 11-test or the shape", arguments: ["123456789", "000000000", "12345678a", "1234567", "1234567890", ""])
    func invalid(_ text: String) {
        #expect(BSN(text) == nil)
    }

    @Test("finds a BSN inside text: exactly nine digits passing the 11-test, eight only when asked")
    func occurs() {
        #expect(BSN.occurs(in: "/statusvragen/123456782".utf8))
        #expect(BSN.occurs(in: "IND-123456782-x".utf8))
        #expect(!BSN.occurs(in: "IND-1234567820".utf8), "ten digits are not a BSN")
        #expect(!BSN.occurs(in: "IND-123456789".utf8), "fails the 11-test")
        #expect(!BSN.occurs(in: "zaak 12345672".utf8))
        #expect(BSN.occurs(in: "zaak 12345672".utf8, eightDigits: true), "012345672 passes")
        #expect(!BSN.occurs(in: "".utf8))
    }

    @Test("pads eight digits with a leading zero")
    func padding() {
        // 012345672: 0·9+1·8+2·7+3·6+4·5+5·4+6·3+7·2−2 = 110 ≡ 0 (mod 11)
        #expect(BSN("12345672")?.digits == "012345672")
    }

    @Test("the one rule of every entry point: only eight digits get their leading zero back")
    func normalized() {
        #expect(BSN.normalized("12345672") == "012345672")
        #expect(BSN.normalized("123456782") == "123456782")
        #expect(BSN.normalized("2345675") == "2345675", "seven digits are not padded")
        #expect(BSN("2345675") == nil && BSN("002345675") != nil)
        #expect(BSN.normalized(" 2345675") == " 2345675")
        #expect(BSN.normalized("1234567a") == "1234567a")
    }

    @Test("never shows the number in description, debug output or reflection")
    func redacted() {
        let bsn = BSN("123456782")!
        #expect(!"\(bsn)".contains("123456782"))
        #expect(!String(reflecting: bsn).contains("123456782"))
        #expect(!String(describing: Mirror(reflecting: bsn).children.map { $0.value }).contains("123456782"))
        var dumped = ""
        dump(bsn, to: &dumped)
        #expect(!dumped.contains("123456782"))
    }

    @Test("the 11-test detects every single-digit change")
    func singleDigitErrors() async {
        await propertyCheck(input: Gen.int(in: 10_000_000...99_999_999), Gen.int(in: 0...8), Gen.int(in: 1...9)) { prefix, position, delta in
            let digits = Array(String(prefix)).map { Int(String($0))! }
            let sum = digits.enumerated().reduce(0) { $0 + (9 - $1.offset) * $1.element }
            guard sum % 11 < 10 else { return }
            var all = digits + [sum % 11]
            #expect(BSN(all.map(String.init).joined()) != nil)
            all[position] = (all[position] + delta) % 10
            #expect(BSN(all.map(String.init).joined()) == nil)
        }
    }
}
