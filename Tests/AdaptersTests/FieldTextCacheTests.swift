import Testing

@testable import Adapters

/// The field text cache finds values by a key made of their bytes: equal keys must mean equal
/// bytes, and every way of reading a value must give the same text.
@Suite("Field text cache")
struct FieldTextCacheTests {
    @Test("a key is the value's bytes, zero-padded, for every length up to 32")
    func keys() {
        let bytes: [UInt8] = (0..<40).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for count in 0...FieldTextCache.longestValue {
            var expected: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            withUnsafeMutableBytes(of: &expected) { $0.copyBytes(from: bytes.prefix(count)) }
            let key = bytes.withUnsafeBytes { FieldTextCache.key($0.baseAddress!, count) }
            #expect(key == expected, "\(count) bytes")
        }
    }

    @Test("a cached text is the text of its bytes, however often and whichever value came before")
    func texts() {
        let values =
            [
                "GM0363", "GM0344", "", "AZC Gilze", "Öztürk", "01-03-2026", "Lasser; 6 jaar ervaring", "x\u{1}y",
                "Regelmatig spreekuur huisarts",
            ] + (0..<3000).map { String($0) }
        let cache = FieldTextCache(columns: 2)
        defer { cache.deallocate() }
        for round in 0..<3 {
            for (index, value) in values.enumerated() {
                let column = (index + round) % 2
                let found = Array(value.utf8).withUnsafeBufferPointer { cache.text(of: $0, in: column) }
                let made = Array(value.utf8).withUnsafeBufferPointer { CSVTokenizer.Row.screenedString($0) }
                #expect(found?.text == made?.text)
                #expect(found?.hasControlCharacters == made?.hasControlCharacters)
            }
        }
        let invalid: [UInt8] = [0x41, 0xC3, 0x28]
        #expect(invalid.withUnsafeBufferPointer { cache.text(of: $0, in: 0) } == nil)
    }
}
