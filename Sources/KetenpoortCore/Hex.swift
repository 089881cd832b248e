import Foundation

/// Lower-case hexadecimal, the text form of hashes in seals, proofs and the store.
///
/// Both directions run once per record in a night's sealing (a record hash is staged as text,
/// decoded for the Merkle tree and stored as text again), so they work on raw buffers.
public enum Hex {
    /// The bytes as lower-case hex.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        if let text = bytes.withContiguousStorageIfAvailable(encode) { return text }
        return Array(bytes).withUnsafeBufferPointer(encode)
    }

    private static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            guard var target = out.baseAddress else { return 0 }
            for byte in bytes {
                target[0] = digit(byte >> 4)
                target[1] = digit(byte & 0x0F)
                target += 2
            }
            return bytes.count * 2
        }
    }

    /// The bytes of a hex string (either case); nil for an odd length or a non-hex character.
    public static func decode(_ text: some StringProtocol) -> Data? {
        if let bytes = text.utf8.withContiguousStorageIfAvailable(decode) { return bytes }
        return Array(text.utf8).withUnsafeBufferPointer(decode)
    }

    private static func decode(_ utf8: UnsafeBufferPointer<UInt8>) -> Data? {
        guard utf8.count % 2 == 0 else { return nil }
        guard let source = utf8.baseAddress else { return Data() }
        var out = Data(count: utf8.count / 2)
        // Branch-free per digit (a hash's digits mix numbers and letters at random, which a
        // branch per digit mispredicts half the time); any non-hex digit marks `invalid`.
        let invalid = out.withUnsafeMutableBytes { buffer in
            var invalid: UInt8 = 0
            var pair = source
            for index in buffer.indices {
                let (high, highInvalid) = value(pair[0]), (low, lowInvalid) = value(pair[1])
                invalid |= highInvalid | lowInvalid
                buffer[index] = high << 4 | low
                pair += 2
            }
            return invalid
        }
        return invalid == 0 ? out : nil
    }

    /// The hex digit of a value below 16.
    @inline(__always)
    private static func digit(_ value: UInt8) -> UInt8 {
        value < 10 ? value &+ UInt8(ascii: "0") : value &+ (UInt8(ascii: "a") &- 10)
    }

    /// The value of a hex digit of either case, and 0 when it is one (else non-zero), without branches.
    @inline(__always)
    private static func value(_ byte: UInt8) -> (value: UInt8, invalid: UInt8) {
        let decimal = byte &- UInt8(ascii: "0")
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        let isDecimal: UInt8 = decimal < 10 ? 0xFF : 0
        let isLetter: UInt8 = letter < 6 ? 0xFF : 0
        return ((decimal & isDecimal) | ((letter &+ 10) & isLetter), ~(isDecimal | isLetter))
    }
}
