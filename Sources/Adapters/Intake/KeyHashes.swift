/// A set of key hashes (well mixed already, as `DuplicateKey.filterHash` makes them) for quick
/// membership tests: an open-addressing table at most half full, probed linearly — no hashing of
/// the hashes again, as `Set` does.
struct KeyHashes {
    private let slots: [Int]
    /// Zero marks a free slot, so a hash of zero is kept apart.
    private let hasZero: Bool
    let count: Int

    init(_ hashes: Set<Int>) {
        var capacity = 16
        while capacity < hashes.count * 2 { capacity *= 2 }
        var slots = [Int](repeating: 0, count: capacity)
        for hash in hashes where hash != 0 {
            var index = hash & (capacity - 1)
            while slots[index] != 0 { index = (index + 1) & (capacity - 1) }
            slots[index] = hash
        }
        self.slots = slots
        hasZero = hashes.contains(0)
        count = hashes.count
    }

    var isEmpty: Bool { count == 0 }

    func contains(_ hash: Int) -> Bool {
        if hash == 0 { return hasZero }
        let mask = slots.count - 1
        var index = hash & mask
        while true {
            let slot = slots[index]
            if slot == hash { return true }
            if slot == 0 { return false }
            index = (index + 1) & mask
        }
    }
}
