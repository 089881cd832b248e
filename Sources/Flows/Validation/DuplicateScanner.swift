import Adapters
import Contracts
import Foundation

/// Finds the values of `unique` fields that occur more than once in a file, in memory that does not
/// grow with the file. A first pass reads only the unique fields into a fixed (blocked) Bloom filter; a value
/// whose bits are all set already is a *candidate*. Every true duplicate is a candidate; a few
/// others are false positives. The validation pass then counts the candidates exactly (and holds
/// back the few rows that carry one until the end), or — when there are too many candidates to
/// hold back — a second pass counts them first.
struct DuplicateScanner {
    static let filterWords = 1 << 21  // 2^27 bits, 16 MiB

    let decoder: any InboundDecoder
    let uniqueSlots: [Int]
    let uniqueNames: Set<String>

    init(decoder: any InboundDecoder, object: SchemaObject) {
        self.decoder = decoder
        self.uniqueSlots = object.fields.indices.filter { object.fields[$0].isUnique }
        self.uniqueNames = Set(uniqueSlots.map { object.fields[$0].name })
    }

    var isNeeded: Bool { !uniqueSlots.isEmpty }

    /// The hashes of keys that may occur more than once (a superset of the true duplicates). Only
    /// hashes are kept, so the decoder hands over bytes, not text.
    func candidates(in url: URL) throws -> Set<Int> {
        guard isNeeded else { return [] }
        var filter = [UInt64](repeating: 0, count: Self.filterWords)
        var candidates = Set<Int>()
        try filter.withUnsafeMutableBufferPointer { filter in
            try decoder.forEachValue(in: url, of: uniqueNames) { slot, bytes in
                let hash = DuplicateKey.filterHash(slot: slot, bytes: bytes)
                // A blocked Bloom filter: three bits in one 64-bit word, one memory access a key.
                let bits = UInt64(bitPattern: Int64(hash))
                let word = Int(truncatingIfNeeded: bits >> 18) & (Self.filterWords - 1)
                let mask = (1 as UInt64) << (bits & 63) | (1 as UInt64) << ((bits >> 6) & 63) | (1 as UInt64) << ((bits >> 12) & 63)
                if filter[word] & mask == mask { candidates.insert(hash) } else { filter[word] |= mask }
            }
        }
        return candidates
    }

    /// Counts the candidate keys exactly in a second pass; returns those occurring more than once.
    /// It reads whole rows, so a malformed row counts exactly as in the validation pass (not at all).
    func duplicates(in url: URL, among candidates: Set<Int>) throws -> Set<DuplicateKey> {
        var counts: [DuplicateKey: Int] = [:]
        try decoder.decode(url, onlyFields: nil) { event in
            guard case .item(let raw) = event, raw.malformation == nil else { return }
            for key in keys(of: raw) where candidates.contains(key.filterHash) { counts[key, default: 0] += 1 }
        }
        return Set(counts.filter { $0.value > 1 }.keys)
    }

    /// The unique-field keys of one item.
    func keys(of raw: RawItem) -> [DuplicateKey] {
        uniqueSlots.compactMap { slot in raw.texts[slot].map { DuplicateKey(slot: slot, value: $0) } }
    }
}

/// A value of a unique field.
struct DuplicateKey: Hashable {
    let slot: Int
    let value: String

    /// A cheap 64-bit hash (FNV-1a over slot and UTF-8 bytes, then mixed) for the filter and the
    /// candidate set; equality still compares the values themselves.
    var filterHash: Int {
        var text = value
        return text.withUTF8 { Self.filterHash(slot: slot, bytes: $0) }
    }

    /// The hash of a value given as its UTF-8 bytes.
    static func filterHash(slot: Int, bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325 ^ UInt64(slot)
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        hash ^= hash >> 33
        hash &*= 0xFF51_AFD7_ED55_8CCD
        hash ^= hash >> 33
        return Int(bitPattern: UInt(hash))
    }
}
