import Foundation
import Testing

@testable import Sealing

@Suite("Base64url")
struct Base64URLTests {
    /// RFC 4648 base64 through Foundation, padding dropped and the URL alphabet applied.
    static func reference(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "=", with: "")
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
    }

    @Test("encodes every length and byte value as RFC 4648 §5 without padding, and decodes it back")
    func matchesReference() {
        var generator = SystemRandomNumberGenerator()
        for length in 0...200 {
            let bytes = (0..<length).map { index in length < 64 ? UInt8((index * 37 + length) & 0xFF) : UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(Data(bytes))
            #expect(encoded == Self.reference(bytes), "length \(length)")
            #expect(Base64URL.decode(encoded) == Data(bytes), "length \(length)")
        }
        #expect(Base64URL.encode(Data([0xFB, 0xFF])) == "-_8")
    }

    @Test("a stream of parts of any size encodes as the whole")
    func streamEqualsWhole() {
        let bytes = (0..<1_000).map { UInt8(($0 * 7919) & 0xFF) }
        for size in [1, 2, 3, 4, 5, 7, 64, 333, 1_000] {
            var stream = Base64URLStream()
            var output: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                output += stream.encode(Data(bytes[start..<end]))
                start = end
            }
            output += stream.finish()
            #expect(String(decoding: output, as: UTF8.self) == Self.reference(bytes), "parts of \(size)")
        }
    }

    @Test("parts larger than the stream's slice encode as the whole, handed out piece by piece")
    func largePartsInPieces() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<200_003).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for size in [1, 49_151, 49_152, 100_000, 200_003] {
            var stream = Base64URLStream()
            var output: [UInt8] = []
            var start = 0
            while start < bytes.count {
                let end = min(start + size, bytes.count)
                stream.encode(Data(bytes[start..<end])) { output.append(contentsOf: $0) }
                start = end
            }
            output += stream.finish()
            #expect(String(decoding: output, as: UTF8.self) == Self.reference(bytes), "parts of \(size)")
        }
    }
}
