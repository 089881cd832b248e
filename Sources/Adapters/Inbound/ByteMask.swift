/// Finds one byte value in the eight bytes of a word at once.
struct ByteMask {
    private let pattern: UInt64

    init(_ byte: UInt8) { pattern = 0x0101_0101_0101_0101 &* UInt64(byte) }

    /// The high bit of each byte of `word` that equals the byte, and no other bit.
    @inline(__always)
    func matches(in word: UInt64) -> UInt64 {
        let zeroed = word ^ pattern
        let low = 0x7F7F_7F7F_7F7F_7F7F as UInt64
        return ~(((zeroed & low) &+ low) | zeroed | low)
    }

    /// A word whose lowest set bit is the high bit of the first byte below 14 (the line-end
    /// characters and most controls); zero when there is none. Bits above that one are not exact.
    @inline(__always)
    static func firstBelow14(in word: UInt64) -> UInt64 {
        (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080
    }
}
