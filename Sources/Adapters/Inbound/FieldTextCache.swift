/// The texts of recently read field values, found again by their bytes. A snapshot repeats most of
/// its values (codes, dates, municipalities, stock phrases): reusing a text spares making — and
/// later freeing — a string per field. Values of up to 32 bytes are kept, in a table per column
/// whose size is fixed (memory does not grow with the file): a small one to start with, a larger
/// one for a column with many different values, none for a column whose values rarely repeat
/// (an identifier).
///
/// The tables are plain memory owned by the cache: `deallocate()` frees them.
struct FieldTextCache {
    /// One cached value: its bytes (zero-padded) and length — equal keys mean equal bytes — with
    /// its text; one cache line.
    private struct Entry {
        var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// -1: the entry is empty (no value matches it).
        var count = -1
        var text = ""
        var hasControlCharacters = false
    }

    /// A column's table and how well it does.
    private struct Column {
        var entries: UnsafeMutablePointer<Entry>?
        /// The table's size minus one (a power of two minus one).
        var mask = 0
        var lookups = 0
        var hits = 0
    }

    static let longestValue = 32
    private static let smallTable = 64
    private static let largeTable = 1024
    /// How often a column's hits are reviewed. A small table that misses more than one lookup in
    /// ten is replaced by a large one; a large one that hits fewer than one in four is dropped.
    private static let reviewEvery = 4096

    private let columns: UnsafeMutablePointer<Column>
    private let columnCount: Int

    init(columns: Int) {
        columnCount = columns
        self.columns = .allocate(capacity: columns)
        self.columns.initialize(repeating: Column(), count: columns)
        for index in 0..<columns { Self.makeTable(&self.columns[index], size: Self.smallTable) }
    }

    func deallocate() {
        for index in 0..<columnCount { Self.dropTable(&columns[index]) }
        columns.deallocate()
    }

    /// The text of `bytes` in `column` and whether it holds control characters (as
    /// `CSVTokenizer.Row.screenedString` finds them); nil when the bytes are not valid UTF-8.
    func text(of bytes: UnsafeBufferPointer<UInt8>, in column: Int) -> (text: String, hasControlCharacters: Bool)? {
        let state = columns + column
        guard bytes.count <= Self.longestValue, let entries = state.pointee.entries, let source = bytes.baseAddress else {
            return CSVTokenizer.Row.screenedString(bytes)
        }
        let words = Self.key(UnsafeRawPointer(source), bytes.count)
        let mixed =
            (words.0 &* 0x9E37_79B9_7F4A_7C15) ^ (words.1 &* 0xC2B2_AE3D_27D4_EB4F) ^ (words.2 &* 0x1656_67B1_9E37_79F9)
            ^ (words.3 &* 0x27D4_EB2F_1656_67C5) ^ UInt64(truncatingIfNeeded: bytes.count)
        let entry = entries + (Int(truncatingIfNeeded: (mixed &* 0x9E37_79B9_7F4A_7C15) >> 40) & state.pointee.mask)
        state.pointee.lookups &+= 1
        if entry.pointee.count == bytes.count && entry.pointee.words.0 == words.0 && entry.pointee.words.1 == words.1
            && entry.pointee.words.2 == words.2 && entry.pointee.words.3 == words.3
        {
            state.pointee.hits &+= 1
            return (entry.pointee.text, entry.pointee.hasControlCharacters)
        }
        guard let made = CSVTokenizer.Row.screenedString(bytes) else { return nil }
        entry.pointee.words = words
        entry.pointee.count = bytes.count
        entry.pointee.text = made.text
        entry.pointee.hasControlCharacters = made.hasControlCharacters
        if state.pointee.lookups >= Self.reviewEvery { Self.review(&state.pointee) }
        return made
    }

    /// The `count` (at most 32) bytes at `source` as four little-endian words, zero-padded. Made
    /// from whole-word loads that overlap within the bytes, never reading past them — not through
    /// a byte copy, whose narrow stores the word loads would have to wait for.
    @inline(__always)
    static func key(_ source: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64, UInt64, UInt64) {
        if count <= 16 {
            let (first, second) = pack(source, count)
            return (first, second, 0, 0)
        }
        let (third, fourth) = pack(source + 16, count - 16)
        let first = UInt64(littleEndian: source.loadUnaligned(as: UInt64.self))
        let second = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        return (first, second, third, fourth)
    }

    /// Up to 16 bytes as two little-endian words, zero-padded.
    @inline(__always)
    private static func pack(_ source: UnsafeRawPointer, _ count: Int) -> (UInt64, UInt64) {
        switch count {
        case 8...16:
            let first = UInt64(littleEndian: source.loadUnaligned(as: UInt64.self))
            guard count > 8 else { return (first, 0) }
            // The last eight bytes, shifted down past those the first word already holds.
            let last = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self))
            return (first, last >> UInt64(8 * (16 - count)))
        case 4..<8:
            let low = UInt64(UInt32(littleEndian: source.loadUnaligned(as: UInt32.self)))
            let high = UInt64(UInt32(littleEndian: source.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self)))
            return (low | high << UInt64(8 * (count - 4)), 0)
        default:
            var word: UInt64 = 0
            for index in 0..<count { word |= UInt64(source.load(fromByteOffset: index, as: UInt8.self)) << UInt64(8 * index) }
            return (word, 0)
        }
    }

    /// Grows or drops a column's table by how often it hit (looked at on a miss only: a table
    /// that always hits needs no review).
    private static func review(_ column: inout Column) {
        let hits = column.hits, lookups = column.lookups
        column.hits = 0
        column.lookups = 0
        if column.mask + 1 == smallTable {
            if hits * 10 < lookups * 9 {
                dropTable(&column)
                makeTable(&column, size: largeTable)
            }
        } else if hits * 4 < lookups {
            dropTable(&column)
        }
    }

    private static func makeTable(_ column: inout Column, size: Int) {
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: size)
        entries.initialize(repeating: Entry(), count: size)
        column.entries = entries
        column.mask = size - 1
    }

    private static func dropTable(_ column: inout Column) {
        guard let entries = column.entries else { return }
        entries.deinitialize(count: column.mask + 1)
        entries.deallocate()
        column.entries = nil
        column.mask = 0
    }
}
