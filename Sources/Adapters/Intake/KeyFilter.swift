/// A blocked Bloom filter of key hashes in fixed memory (16 MiB): three bits in one 64-bit word,
/// one memory access a key. Keys are added in batches, in order: the filter is far larger than the
/// caches, and a tight loop over a batch lets the memory accesses of several keys overlap.
///
/// Its memory is owned by the filter: `deallocate()` frees it.
struct KeyFilter {
    static let words = 1 << 21  // 2^27 bits
    static let batchSize = 256

    private let bits: UnsafeMutablePointer<UInt64>
    private let pending: UnsafeMutablePointer<Int>
    private var pendingCount = 0
    /// Hashes whose bits were all set already when they were added: keys seen before, or false
    /// positives.
    private(set) var repeated = Set<Int>()

    init() {
        bits = .allocate(capacity: Self.words)
        bits.initialize(repeating: 0, count: Self.words)
        pending = .allocate(capacity: Self.batchSize)
    }

    func deallocate() {
        bits.deallocate()
        pending.deallocate()
    }

    /// Adds a key's hash (added to the filter itself with the next batch, or on `flush`).
    mutating func add(_ hash: Int) {
        pending[pendingCount] = hash
        pendingCount += 1
        if pendingCount == Self.batchSize { flush() }
    }

    /// Adds the waiting keys to the filter.
    mutating func flush() {
        for index in 0..<pendingCount {
            let hash = pending[index]
            let key = UInt64(bitPattern: Int64(hash))
            let word = Int(truncatingIfNeeded: key >> 18) & (Self.words - 1)
            let mask = (1 as UInt64) << (key & 63) | (1 as UInt64) << ((key >> 6) & 63) | (1 as UInt64) << ((key >> 12) & 63)
            if bits[word] & mask == mask { repeated.insert(hash) } else { bits[word] |= mask }
        }
        pendingCount = 0
    }
}
