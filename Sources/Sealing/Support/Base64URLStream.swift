import Foundation

/// Unpadded base64url of bytes that come in parts of any size: the output of all parts together is
/// `Base64URL.encode` of their concatenation. Up to two bytes of a part wait for the next one, so
/// no padding appears inside.
public struct Base64URLStream: Sendable {
    /// 0–2 bytes not yet encoded.
    private var carry: [UInt8] = []

    public init() {}

    /// The encoding of as much of `part` (after what was carried) as makes whole groups of three.
    public mutating func encode(_ part: Data) -> [UInt8] {
        var start = part.startIndex
        var output: [UInt8] = []
        if !carry.isEmpty {
            while carry.count < 3, start != part.endIndex {
                carry.append(part[start])
                start += 1
            }
            guard carry.count == 3 else { return [] }
            output = Base64URL.encodeBytes(carry)
            carry.removeAll(keepingCapacity: true)
        }
        let end = start + (part.endIndex - start) / 3 * 3
        if end > start { output += Base64URL.encodeBytes(part[start..<end]) }
        carry.append(contentsOf: part[end...])
        return output
    }

    /// The encoding of what is left, once every part was given.
    public mutating func finish() -> [UInt8] {
        defer { carry.removeAll() }
        return carry.isEmpty ? [] : Base64URL.encodeBytes(carry)
    }
}
