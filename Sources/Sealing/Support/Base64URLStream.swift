import Foundation

/// Unpadded base64url of bytes that come in parts of any size: the output of all parts together is
/// `Base64URL.encode` of their concatenation. Up to two bytes of a part wait for the next one, so
/// no padding appears inside.
public struct Base64URLStream: Sendable {
    /// 0–2 bytes not yet encoded.
    private var carry: [UInt8] = []
    /// The encoding of one slice, reused from part to part (a night's payload is hundreds of
    /// megabytes: one fresh buffer per slice would cost the allocator more than the encoding).
    private var buffer: [UInt8] = []
    /// Input bytes encoded at a time.
    private static let slice = 3 * 16_384

    public init() {}

    /// The encoding of as much of `part` (after what was carried) as makes whole groups of three.
    public mutating func encode(_ part: Data) -> [UInt8] {
        var output: [UInt8] = []
        encode(part) { output.append(contentsOf: $0) }
        return output
    }

    /// Hands `body` the encoding of as much of `part` (after what was carried) as makes whole
    /// groups of three, in pieces valid only during each call.
    public mutating func encode(_ part: Data, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        var start = part.startIndex
        if !carry.isEmpty {
            while carry.count < 3, start != part.endIndex {
                carry.append(part[start])
                start += 1
            }
            guard carry.count == 3 else { return }
            let group = carry
            carry.removeAll(keepingCapacity: true)
            try group.withUnsafeBytes { try emit($0, body) }
        }
        let end = start + (part.endIndex - start) / 3 * 3
        if end > start {
            try part[start..<end].withUnsafeBytes { bytes in
                var offset = 0
                repeat {
                    let next = min(offset + Self.slice, bytes.count)
                    try emit(UnsafeRawBufferPointer(rebasing: bytes[offset..<next]), body)
                    offset = next
                } while offset != bytes.count
            }
        }
        carry.append(contentsOf: part[end...])
    }

    /// The encoding of what is left, once every part was given.
    public mutating func finish() -> [UInt8] {
        defer { carry.removeAll() }
        return carry.isEmpty ? [] : Base64URL.encodeBytes(carry)
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        let length = Base64URL.encodedLength(of: bytes.count)
        if buffer.count < length { buffer = [UInt8](repeating: 0, count: max(length, Base64URL.encodedLength(of: Self.slice))) }
        try buffer.withUnsafeMutableBytes { output in
            let written = Base64URL.encode(bytes, into: output.baseAddress!)
            try body(UnsafeRawBufferPointer(rebasing: output[..<written]))
        }
    }
}
