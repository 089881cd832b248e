extension CSVTokenizer {
    /// One row: where each field's bytes are. A row is read in place where it can be — its fields
    /// point into the block being tokenized, and only quoted fields with escapes or line breaks are
    /// unescaped into the row's own storage; a row the tokenizer reads byte by byte (one that
    /// straddles two blocks, say) is copied into the storage whole.
    ///
    /// The storage belongs to the `forEachRow` call that hands the row out and is reused for every
    /// row: a row is valid only inside that call's body, and must not be kept.
    struct Row {
        /// What field bounds count from: `storage`, or the block of a row read in place.
        private var base: UnsafePointer<UInt8>
        private var isInPlace = false
        private var storage: UnsafeMutablePointer<UInt8>
        private var capacity: Int
        private var byteCount = 0
        /// Where the field being copied starts in `storage`.
        private var fieldStart = 0
        /// Start and end (from `base`) of each field; `inStorage` marks the bounds of a field of a
        /// row read in place that was copied into `storage` after all.
        private var bounds: UnsafeMutablePointer<Int>
        private static let inStorage = 1 << 62
        private var fieldCapacity: Int
        /// The number of fields.
        private(set) var count = 0
        /// Physical line (1-based) where the row starts.
        var line = 0
        /// Set when a quoted field is followed by stray characters.
        var isMalformed = false
        /// Fields to read of each following row; the rest of a row is skipped.
        var columnLimit = Int.max

        /// A row with room for `bytes` bytes and `fields` fields (it grows when needed).
        init(bytes: Int = 4096, fields: Int = 64) {
            capacity = bytes
            storage = .allocate(capacity: bytes)
            base = UnsafePointer(storage)
            fieldCapacity = fields
            bounds = .allocate(capacity: 2 * fields)
        }

        /// Frees the storage; the row is not used afterwards.
        func deallocate() {
            storage.deallocate()
            bounds.deallocate()
        }

        // MARK: Reading

        func isEmpty(_ index: Int) -> Bool { bounds[2 * index] == bounds[2 * index + 1] }

        /// Whether the row is a blank line.
        var isBlank: Bool { count == 1 && isEmpty(0) }

        /// The field as UTF-8 text; nil when the bytes are not valid UTF-8.
        /// - Parameter trimmed: leave out spaces and tabs at both ends.
        func string(_ index: Int, trimmed: Bool = false) -> String? {
            screenedString(index, trimmed: trimmed)?.text
        }

        /// The field as UTF-8 text (nil when not valid UTF-8), and whether it holds C0 controls
        /// other than tab, LF and CR, or DEL — found in the same pass over the bytes.
        func screenedString(_ index: Int, trimmed: Bool) -> (text: String, hasControlCharacters: Bool)? {
            Self.screenedString(bytes(index, trimmed: trimmed))
        }

        /// `screenedString` of a field's bytes.
        static func screenedString(_ field: UnsafeBufferPointer<UInt8>) -> (text: String, hasControlCharacters: Bool)? {
            if field.isEmpty { return ("", false) }
            var isASCII = true
            var hasControl = false
            for byte in field {
                if byte >= 0x80 {
                    isASCII = false
                } else if byte < 0x20 || byte == 0x7F {
                    if byte != 9 && byte != 10 && byte != 13 { hasControl = true }
                }
            }
            // ASCII needs no validation; the rest is checked (and refused, not repaired).
            guard let text = isASCII ? String(decoding: field, as: UTF8.self) : String(validating: field, as: UTF8.self) else { return nil }
            return (text, hasControl)
        }

        /// Calls `body` with the field's bytes as they are (no UTF-8 check), for hashing.
        func withBytes<T>(_ index: Int, trimmed: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            body(bytes(index, trimmed: trimmed))
        }

        /// The field's bytes, without spaces and tabs at both ends when `trimmed`.
        func bytes(_ index: Int, trimmed: Bool) -> UnsafeBufferPointer<UInt8> {
            var lower = bounds[2 * index]
            var upper = bounds[2 * index + 1]
            var base = self.base
            if lower & Self.inStorage != 0 {
                base = UnsafePointer(storage)
                lower &= ~Self.inStorage
                upper &= ~Self.inStorage
            }
            if trimmed {
                while lower < upper, base[lower] == 32 || base[lower] == 9 { lower += 1 }
                while lower < upper, base[upper - 1] == 32 || base[upper - 1] == 9 { upper -= 1 }
            }
            return UnsafeBufferPointer(start: base + lower, count: upper - lower)
        }

        // MARK: Building a copied row (the tokenizer's byte-by-byte path)

        /// Appends one byte to the current field.
        @inline(__always)
        mutating func append(_ byte: UInt8) {
            if byteCount == capacity { grow(toHold: byteCount + 1) }
            storage[byteCount] = byte
            byteCount += 1
        }

        /// Appends bytes to the current field.
        @inline(__always)
        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            guard let source = bytes.baseAddress else { return }
            if byteCount + bytes.count > capacity { grow(toHold: byteCount + bytes.count) }
            (storage + byteCount).update(from: source, count: bytes.count)
            byteCount += bytes.count
        }

        /// Ends the current field; the next bytes start a new one.
        @inline(__always)
        mutating func endField() {
            addField(from: fieldStart, to: byteCount)
            fieldStart = byteCount
        }

        /// Whether nothing has been added since `startNext`.
        var isUntouched: Bool { byteCount == 0 && count == 0 }

        /// Empties the row for the next one, which starts on `line`.
        mutating func startNext(line: Int) {
            byteCount = 0
            fieldStart = 0
            count = 0
            isMalformed = false
            base = UnsafePointer(storage)
            isInPlace = false
            self.line = line
        }

        // MARK: Building a row in place (the tokenizer's fast path)

        /// Makes the row one whose fields lie in `block`; `addField` then gives their bounds in it.
        @inline(__always)
        mutating func startInPlace(_ block: UnsafePointer<UInt8>) {
            base = block
            isInPlace = true
            count = 0
            byteCount = 0
        }

        /// Starts a field of a row read in place that is copied into the storage (with `append`).
        @inline(__always)
        mutating func startCopiedField() {
            fieldStart = byteCount
        }

        /// Ends a field begun with `startCopiedField`.
        @inline(__always)
        mutating func endCopiedField() {
            addField(from: fieldStart | Self.inStorage, to: byteCount | Self.inStorage)
        }

        /// Adds a field whose bytes are `start..<end` from the row's base.
        @inline(__always)
        mutating func addField(from start: Int, to end: Int) {
            if count == fieldCapacity { growFields() }
            bounds[2 * count] = start
            bounds[2 * count + 1] = end
            count += 1
        }

        private mutating func grow(toHold needed: Int) {
            var newCapacity = capacity * 2
            while newCapacity < needed { newCapacity *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            larger.initialize(from: storage, count: byteCount)
            storage.deallocate()
            storage = larger
            if !isInPlace { base = UnsafePointer(storage) }
            capacity = newCapacity
        }

        private mutating func growFields() {
            let larger = UnsafeMutablePointer<Int>.allocate(capacity: 4 * fieldCapacity)
            larger.initialize(from: bounds, count: 2 * count)
            bounds.deallocate()
            bounds = larger
            fieldCapacity *= 2
        }
    }
}
