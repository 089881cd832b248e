import Foundation

/// Finds a member name that occurs twice in one JSON object, at any depth (I-JSON, RFC 7493 §2.3).
/// Foundation's parsers keep the last of such members without a word, so two readers of the same
/// body could disagree about whose data was asked; the API refuses such a body instead.
///
/// Names are compared after their escapes are decoded (`"bsn"` and `"b\u0073n"` are one name),
/// code point by code point (RFC 8259 §8.3). The scan trusts the bytes to be JSON: it does not
/// report malformed input (the parser that runs after it does) and never reads out of bounds.
enum DuplicateJSONKeys {
    /// The first name that repeats within one object, decoded; nil when there is none.
    static func first(in body: Data) -> String? {
        body.withUnsafeBytes { first(in: $0.bindMemory(to: UInt8.self)) }
    }

    static func first(in bytes: UnsafeBufferPointer<UInt8>) -> String? {
        // One entry per open container: the names seen so far in an object, nil for an array.
        var open: [Set<[UInt8]>?] = []
        var index = 0
        let end = bytes.count
        while index < end {
            switch bytes[index] {
            case UInt8(ascii: "{"):
                open.append([])
                index += 1
            case UInt8(ascii: "["):
                open.append(nil)
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if !open.isEmpty { open.removeLast() }
                index += 1
            case UInt8(ascii: "\""):
                let start = index + 1
                var escaped = false
                index = start
                while index < end, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\") {
                        escaped = true
                        index += 1
                    }
                    index += 1
                }
                let stop = min(index, end)
                index += 1
                // A string is a member name when a colon follows it inside an object.
                var next = index
                while next < end, bytes[next] == 32 || bytes[next] == 9 || bytes[next] == 10 || bytes[next] == 13 { next += 1 }
                guard next < end, bytes[next] == UInt8(ascii: ":"), let last = open.indices.last, open[last] != nil else { continue }
                let raw = UnsafeBufferPointer(rebasing: bytes[start..<stop])
                let name = escaped ? unescaped(raw) : Array(raw)
                if open[last]!.insert(name).inserted == false { return String(decoding: name, as: UTF8.self) }
            default:
                index += 1
            }
        }
        return nil
    }

    /// The UTF-8 of a JSON string's content with its escapes decoded (a lone surrogate becomes U+FFFD).
    static func unescaped(_ raw: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        func hex4(at position: Int) -> UInt32? {
            guard position + 4 <= raw.count else { return nil }
            var value: UInt32 = 0
            for byte in raw[position..<position + 4] {
                guard let digit = Character(UnicodeScalar(byte)).hexDigitValue else { return nil }
                value = value << 4 | UInt32(digit)
            }
            return value
        }
        while index < raw.count {
            let byte = raw[index]
            guard byte == UInt8(ascii: "\\"), index + 1 < raw.count else {
                out.append(byte)
                index += 1
                continue
            }
            let kind = raw[index + 1]
            index += 2
            switch kind {
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "u"):
                guard var value = hex4(at: index) else { continue }
                index += 4
                if (0xD800..<0xDC00).contains(value), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u"),
                    let low = hex4(at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    value = 0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                out.append(contentsOf: Array(String(Character(UnicodeScalar(value) ?? "\u{FFFD}")).utf8))
            default: out.append(kind)  // \" \\ \/
            }
        }
        return out
    }
}
