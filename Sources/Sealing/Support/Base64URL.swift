import Foundation

/// Base64url without padding (RFC 7515 §2), as JWS uses it.
enum Base64URL {
    /// Encodes bytes as unpadded base64url.
    static func encode(_ data: some DataProtocol) -> String {
        String(decoding: encodeBytes(data), as: UTF8.self)
    }

    /// Encodes bytes as unpadded base64url ASCII bytes.
    static func encodeBytes(_ data: some DataProtocol) -> [UInt8] {
        var bytes = Array(Data(data).base64EncodedData())
        while bytes.last == UInt8(ascii: "=") { bytes.removeLast() }
        for index in bytes.indices {
            switch bytes[index] {
            case UInt8(ascii: "+"): bytes[index] = UInt8(ascii: "-")
            case UInt8(ascii: "/"): bytes[index] = UInt8(ascii: "_")
            default: break
            }
        }
        return bytes
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
