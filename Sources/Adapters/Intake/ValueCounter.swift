/// Counts how often each value of a field occurs, found by its bytes (no string is made per value):
/// values of up to 32 bytes in an open-addressing table, longer ones by their text.
struct ValueCounter {
    /// A value's bytes (zero-padded) and length, and how often it occurred.
    private struct Slot {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// -1: the slot is free.
        var length = -1
        var occurrences = 0
    }

    private var slots = [Slot](repeating: Slot(), count: 1024)
    private var used = 0
    private var longValues: [String: Int] = [:]

    mutating func add(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= 32, let source = bytes.baseAddress else {
            longValues[String(decoding: bytes, as: UTF8.self), default: 0] += 1
            return
        }
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        withUnsafeMutableBytes(of: &words) { $0.baseAddress!.copyMemory(from: source, byteCount: bytes.count) }
        let mask = slots.count - 1
        var index = Self.home(words, bytes.count) & mask
        let isNew = slots.withUnsafeMutableBufferPointer { slots in
            while true {
                if slots[index].length == -1 {
                    slots[index] = Slot(words: words, length: bytes.count, occurrences: 1)
                    return true
                }
                if slots[index].length == bytes.count && slots[index].words == words {
                    slots[index].occurrences += 1
                    return false
                }
                index = (index + 1) & mask
            }
        }
        if isNew {
            used += 1
            if used * 2 > slots.count { grow() }
        }
    }

    /// Where probing for a value starts (before masking to the table size).
    private static func home(_ words: (UInt64, UInt64, UInt64, UInt64), _ length: Int) -> Int {
        let mixed =
            (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (words.2 &* 0x1656_67B1_9E37_79F9)
            ^ (words.3 &* 0x27D4_EB2F_1656_67C5) ^ UInt64(truncatingIfNeeded: length)
        return Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 32)
    }

    /// The count of each value, by its text.
    var counts: [String: Int] {
        var counts = longValues
        for slot in slots where slot.length >= 0 {
            var words = slot.words
            let text = withUnsafeBytes(of: &words) { String(decoding: $0.prefix(slot.length), as: UTF8.self) }
            counts[text, default: 0] += slot.occurrences
        }
        return counts
    }

    private mutating func grow() {
        let old = slots.filter { $0.length >= 0 }
        slots = [Slot](repeating: Slot(), count: slots.count * 2)
        used = 0
        let mask = slots.count - 1
        for slot in old {
            var index = Self.home(slot.words, slot.length) & mask
            while slots[index].length != -1 { index = (index + 1) & mask }
            slots[index] = slot
            used += 1
        }
    }
}
