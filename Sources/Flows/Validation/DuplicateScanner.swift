import Adapters
import Contracts
import Foundation

/// Finds the values of `unique` fields that occur more than once in a file, in memory that does not
/// grow with the file: a fixed bitmap marks values seen once; values that hit a marked bit are
/// candidates; a second pass counts the candidates exactly. Both rows of a duplicate are found.
struct DuplicateScanner {
    static let bitmapWords = 1 << 20  // 2^26 bits, 8 MiB

    let decoder: any InboundDecoder
    let uniqueSlots: [(slot: Int, name: String)]

    init(decoder: any InboundDecoder, object: SchemaObject) {
        self.decoder = decoder
        self.uniqueSlots = object.fields.enumerated().filter { $0.element.isUnique }.map { ($0.offset, $0.element.name) }
    }

    /// The duplicated keys (`slot` + value) of `url`.
    func duplicates(in url: URL) throws -> Set<DuplicateKey> {
        guard !uniqueSlots.isEmpty else { return [] }
        let only = Set(uniqueSlots.map(\.name))
        var bitmap = [UInt64](repeating: 0, count: Self.bitmapWords)
        var candidates = Set<DuplicateKey>()
        try decoder.decode(url, onlyFields: only) { event in
            guard case .item(let raw) = event else { return }
            for (slot, _) in uniqueSlots {
                guard let value = raw.texts[slot] else { continue }
                let key = DuplicateKey(slot: slot, value: value)
                let bit = UInt(bitPattern: key.hashValue) & UInt(Self.bitmapWords * 64 - 1)
                let word = Int(bit >> 6), mask = UInt64(1) << UInt64(bit & 63)
                if bitmap[word] & mask != 0 { candidates.insert(key) } else { bitmap[word] |= mask }
            }
        }
        bitmap = []
        guard !candidates.isEmpty else { return [] }
        var counts: [DuplicateKey: Int] = [:]
        try decoder.decode(url, onlyFields: only) { event in
            guard case .item(let raw) = event else { return }
            for (slot, _) in uniqueSlots {
                guard let value = raw.texts[slot] else { continue }
                let key = DuplicateKey(slot: slot, value: value)
                if candidates.contains(key) { counts[key, default: 0] += 1 }
            }
        }
        return Set(counts.filter { $0.value > 1 }.keys)
    }
}

/// A value of a unique field.
struct DuplicateKey: Hashable {
    let slot: Int
    let value: String
}
