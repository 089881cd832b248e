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

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// One pass over `bytes`: each group of three becomes four characters, a last group of one or
    /// two becomes two or three (no padding).
    private static func encode(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let count = bytes.count
        let length = count / 3 * 4 + [0, 2, 3][count % 3]
        return alphabet.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
                var (input, out) = (0, 0)
                while input + 3 <= count {
                    let group = UInt32(bytes[input]) << 16 | UInt32(bytes[input + 1]) << 8 | UInt32(bytes[input + 2])
                    output[out] = table[Int(group >> 18)]
                    output[out + 1] = table[Int(group >> 12 & 63)]
                    output[out + 2] = table[Int(group >> 6 & 63)]
                    output[out + 3] = table[Int(group & 63)]
                    input += 3
                    out += 4
                }
                if input < count {
                    let second = input + 1 < count ? UInt32(bytes[input + 1]) : 0
                    let group = UInt32(bytes[input]) << 16 | second << 8
                    output[out] = table[Int(group >> 18)]
                    output[out + 1] = table[Int(group >> 12 & 63)]
                    out += 2
                    if input + 1 < count {
                        output[out] = table[Int(group >> 6 & 63)]
                        out += 1
                    }
                }
                initialized = out
            }
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
