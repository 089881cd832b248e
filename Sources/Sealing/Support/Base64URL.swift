import Foundation

/// Base64url without padding (RFC 7515 §2), as JWS uses it.
enum Base64URL {
    /// Encodes bytes as unpadded base64url.
    static func encode(_ data: some DataProtocol) -> String {
        String(decoding: encodeBytes(data), as: UTF8.self)
    }

    /// Encodes bytes as unpadded base64url ASCII bytes.
    static func encodeBytes(_ data: some DataProtocol) -> [UInt8] {
        if let encoded = data.withContiguousStorageIfAvailable({ encode(UnsafeRawBufferPointer($0)) }) { return encoded }
        return Array(data).withUnsafeBytes(encode)
    }

    /// The length of the unpadded encoding of `count` bytes.
    static func encodedLength(of count: Int) -> Int { count / 3 * 4 + (count % 3 == 0 ? 0 : count % 3 + 1) }

    private static func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: encodedLength(of: bytes.count)) { output, initialized in
            initialized = encode(bytes, into: UnsafeMutableRawPointer(output.baseAddress!))
        }
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// The two characters of each 12-bit value, as they lie in memory (the first in the low byte).
    private static let pairs: [UInt16] = (0..<4096).map { UInt16(alphabet[$0 >> 6]) | UInt16(alphabet[$0 & 63]) << 8 }

    /// Writes the encoding of `bytes` to `output`, which must hold `encodedLength(of: bytes.count)`
    /// bytes, and returns that length. Each group of three bytes becomes four characters, a last
    /// group of one or two becomes two or three (no padding); six bytes at a time where an 8-byte
    /// load fits, two characters per table lookup.
    static func encode(_ bytes: UnsafeRawBufferPointer, into output: UnsafeMutableRawPointer) -> Int {
        let count = bytes.count
        guard count > 0, let input = bytes.baseAddress else { return 0 }
        return pairs.withUnsafeBufferPointer { pairs in
            var (read, written) = (0, 0)
            while read + 8 <= count {
                let word = UInt64(bigEndian: input.loadUnaligned(fromByteOffset: read, as: UInt64.self))
                let first = UInt64(pairs[Int(truncatingIfNeeded: word >> 52)])
                let second = UInt64(pairs[Int(truncatingIfNeeded: word >> 40 & 0xFFF)])
                let third = UInt64(pairs[Int(truncatingIfNeeded: word >> 28 & 0xFFF)])
                let fourth = UInt64(pairs[Int(truncatingIfNeeded: word >> 16 & 0xFFF)])
                output.storeBytes(of: (first | second << 16 | third << 32 | fourth << 48).littleEndian, toByteOffset: written, as: UInt64.self)
                read += 6
                written += 8
            }
            while read + 3 <= count {
                let group =
                    Int(input.load(fromByteOffset: read, as: UInt8.self)) << 16 | Int(input.load(fromByteOffset: read + 1, as: UInt8.self)) << 8
                    | Int(input.load(fromByteOffset: read + 2, as: UInt8.self))
                output.storeBytes(of: pairs[group >> 12].littleEndian, toByteOffset: written, as: UInt16.self)
                output.storeBytes(of: pairs[group & 0xFFF].littleEndian, toByteOffset: written + 2, as: UInt16.self)
                read += 3
                written += 4
            }
            if read < count {
                let second = read + 1 < count ? Int(input.load(fromByteOffset: read + 1, as: UInt8.self)) : 0
                let group = Int(input.load(fromByteOffset: read, as: UInt8.self)) << 16 | second << 8
                output.storeBytes(of: pairs[group >> 12].littleEndian, toByteOffset: written, as: UInt16.self)
                written += 2
                if read + 1 < count {
                    output.storeBytes(of: alphabet[group >> 6 & 63], toByteOffset: written, as: UInt8.self)
                    written += 1
                }
            }
            return written
        }
    }

    /// Decodes unpadded base64url; nil for padding, whitespace, any other character outside the
    /// alphabet, or a non-canonical final character (so one value has exactly one encoding).
    static func decode(_ text: some StringProtocol) -> Data? {
        guard let data = decodeLeniently(text), encodeBytes(data).elementsEqual(text.utf8) else { return nil }
        return data
    }

    private static func decodeLeniently(_ text: some StringProtocol) -> Data? {
        var bytes = Array(text.utf8)
        guard bytes.count % 4 != 1 else { return nil }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): break
            case UInt8(ascii: "-"): bytes[index] = UInt8(ascii: "+")
            case UInt8(ascii: "_"): bytes[index] = UInt8(ascii: "/")
            default: return nil
            }
        }
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "="), count: (4 - bytes.count % 4) % 4))
        return Data(base64Encoded: Data(bytes))
    }
}
