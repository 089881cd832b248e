import Contracts
import Foundation

/// Finds the values of `unique` fields that occur more than once in a file, in memory that does not
/// grow with the file. A first pass reads only the unique fields into a fixed Bloom filter (`KeyFilter`); a value
/// whose bits are all set already is a *candidate*. Every true duplicate is a candidate; a few
/// others are false positives. The validation pass then counts the candidates exactly (and holds
/// back the few rows that carry one until the end), or — when there are too many candidates to
/// hold back — a second pass counts them first.
struct DuplicateScanner {

    let decoder: any InboundDecoder
    let object: SchemaObject
    let uniqueSlots: [Int]
    let uniqueNames: Set<String>

    init(decoder: any InboundDecoder, object: SchemaObject) {
        self.decoder = decoder
        self.object = object
        self.uniqueSlots = object.fields.indices.filter { object.fields[$0].isUnique }
        self.uniqueNames = Set(uniqueSlots.map { object.fields[$0].name })
    }

    var isNeeded: Bool { !uniqueSlots.isEmpty }

    /// The hashes of keys that may occur more than once (a superset of the true duplicates). Only
    /// hashes are kept, so the decoder hands over bytes, not text.
    /// - Parameters:
    ///   - alsoReading: a field whose values `body` receives, read in the same pass (the file is
    ///     read even when no field is unique).
    func candidates(in url: URL, alsoReading field: String? = nil, _ body: (UnsafeBufferPointer<UInt8>) -> Void = { _ in }) throws -> Set<Int> {
        guard isNeeded || field != nil else { return [] }
        let alsoSlot = field.flatMap { object.slot(of: $0) } ?? -1
        let names = field.map { uniqueNames.union([$0]) } ?? uniqueNames
        var isUniqueSlot = [Bool](repeating: false, count: object.fields.count)
        for slot in uniqueSlots { isUniqueSlot[slot] = true }
        var filter = isNeeded ? KeyFilter() : nil
        defer { filter?.deallocate() }
        try isUniqueSlot.withUnsafeBufferPointer { isUniqueSlot in
            try decoder.forEachValue(in: url, of: names) { slot, bytes in
                if slot == alsoSlot { body(bytes) }
                if isUniqueSlot[slot] { filter!.add(DuplicateKey.filterHash(slot: slot, bytes: bytes)) }
            }
        }
        filter?.flush()
        return filter?.repeated ?? []
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
