extension SyncStaging {
    /// The staged rows a merge decided to send, as two bits per snapshot line (each line is staged
    /// once): whether its row is sent, and whether as a
    /// `wijziging` rather than a `nieuw`. A night of 1,000,000 lines holds 250 KB, however many it
    /// sends, and needs no sort: the rows are looked up as the staged records are read.
    struct Decisions {
        /// Bit `line` set: the row is sent.
        private var sending: [UInt64] = []
        /// Bit `line` set: sent as a `wijziging`.
        private var changes: [UInt64] = []
        /// How many rows are sent.
        private(set) var count = 0

        mutating func add(line: Int, isChange: Bool) {
            let (word, bit) = Self.position(line)
            if word >= sending.count {
                let added = max(word + 1, sending.count * 2) - sending.count
                sending.append(contentsOf: repeatElement(0, count: added))
                changes.append(contentsOf: repeatElement(0, count: added))
            }
            if sending[word] & bit == 0 { count += 1 }
            sending[word] |= bit
            if isChange { changes[word] |= bit } else { changes[word] &= ~bit }
        }

        /// Whether the staged row of `line` is sent as a `wijziging` (true) or a `nieuw` (false); nil
        /// when it is not sent.
        func isChange(line: Int) -> Bool? {
            let (word, bit) = Self.position(line)
            guard word < sending.count, sending[word] & bit != 0 else { return nil }
            return changes[word] & bit != 0
        }

        /// The word and the bit within it of `line`.
        private static func position(_ line: Int) -> (word: Int, bit: UInt64) {
            (line >> 6, UInt64(1) << UInt64(line & 63))
        }
    }
}
