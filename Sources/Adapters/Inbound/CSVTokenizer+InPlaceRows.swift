extension CSVTokenizer {
    /// Reads the row starting at `start` in place, when it lies wholly in `buffer`, ends in LF or
    /// CRLF, and has no stray characters after a closing quote (quoted fields with escapes or line
    /// breaks are unescaped into the row's storage). Returns the index after its line end and the
    /// line breaks inside its quoted fields, or nil: the row is then left to the byte-by-byte path,
    /// which reads every row the same way, only slower.
    ///
    /// Eight bytes are examined at a time: a word without a line end or a quote only has its
    /// separators to find.
    @inline(never)
    func rowInPlace(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, into row: inout Row) -> (end: Int, lineBreaks: Int)? {
        let n = buffer.count
        let base = buffer.baseAddress!
        let separator = self.separator, quote = self.quote
        let limit = row.columnLimit
        let separators = ByteMask(separator), quotes = ByteMask(quote)
        row.startInPlace(base)
        var fieldStart = start
        var i = start
        var lineBreaks = 0
        while true {
            // Unquoted bytes up to the next byte that is not a separator or plain.
            var special = -1
            while i + 8 <= n {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self))
                var ends = separators.matches(in: word)
                // A line end, a quote, or another control character (an ordinary byte, looked at
                // below): the first of them is where this stretch stops.
                let stops = ByteMask.firstBelow14(in: word) | quotes.matches(in: word)
                if stops != 0 {
                    // Only the separators before the first stop belong to this stretch.
                    let offset = stops.trailingZeroBitCount
                    ends &= (1 << UInt64(offset)) &- 1
                    special = i + offset / 8
                }
                while ends != 0 {
                    let end = i + ends.trailingZeroBitCount / 8
                    if row.count < limit { row.addField(from: fieldStart, to: end) }
                    fieldStart = end + 1
                    ends &= ends &- 1
                }
                if special >= 0 { break }
                i += 8
            }
            if special < 0 {
                // Fewer than eight bytes left: one at a time.
                i = max(i, fieldStart)
                while i < n {
                    let byte = buffer[i]
                    if byte == separator {
                        if row.count < limit { row.addField(from: fieldStart, to: i) }
                        fieldStart = i + 1
                    } else if byte == 10 || byte == 13 || byte == quote {
                        break
                    }
                    i += 1
                }
                guard i < n else { return nil }
                special = i
            }
            i = special
            let byte = buffer[i]
            if byte == 10 {
                if row.count < limit { row.addField(from: fieldStart, to: i) }
                return (i + 1, lineBreaks)
            }
            if byte == 13 {
                guard i + 1 < n, buffer[i + 1] == 10 else { return nil }
                if row.count < limit { row.addField(from: fieldStart, to: i) }
                return (i + 2, lineBreaks)
            }
            // A quote opens a quoted field only at the start of a field; elsewhere it is an ordinary
            // byte, as is a control character other than a line end.
            guard byte == quote, i == fieldStart else {
                i += 1
                continue
            }
            // A quoted field, up to its closing quote (a doubled quote is an escaped one).
            var close = i + 1
            var isPlain = true
            while close < n {
                let byte = buffer[close]
                if byte == quote {
                    guard close + 1 < n, buffer[close + 1] == quote else { break }
                    isPlain = false
                    close += 2
                    continue
                }
                if byte == 10 || byte == 13 { isPlain = false }
                close += 1
            }
            guard close + 1 < n else { return nil }
            if row.count < limit {
                if isPlain {
                    row.addField(from: i + 1, to: close)
                } else {
                    lineBreaks += copyUnescaped(UnsafeBufferPointer(rebasing: buffer[(i + 1)..<close]), into: &row)
                }
            } else if !isPlain {
                lineBreaks += UnsafeBufferPointer(rebasing: buffer[(i + 1)..<close]).reduce(0) { $1 == 10 ? $0 + 1 : $0 }
            }
            let next = buffer[close + 1]
            if next == separator {
                fieldStart = close + 2
                i = close + 2
            } else if next == 10 {
                return (close + 2, lineBreaks)
            } else if next == 13 {
                guard close + 2 < n, buffer[close + 2] == 10 else { return nil }
                return (close + 3, lineBreaks)
            } else {
                return nil  // characters after the closing quote
            }
        }
    }

    /// Copies the inside of a quoted field into the row's storage as a field of its own: a doubled
    /// quote becomes one, and CR, CRLF and LF each become one LF. Returns the line breaks (LFs) it
    /// held, by which the file's line count advances (in a file whose rows end in LF or CRLF).
    private func copyUnescaped(_ field: UnsafeBufferPointer<UInt8>, into row: inout Row) -> Int {
        let quote = self.quote
        var lineBreaks = 0
        row.startCopiedField()
        var i = 0
        while i < field.count {
            var end = i
            while end < field.count, field[end] != quote, field[end] != 13, field[end] != 10 { end += 1 }
            row.append(UnsafeBufferPointer(rebasing: field[i..<end]))
            guard end < field.count else { break }
            row.append(field[end] == quote ? quote : 10)
            if field[end] == quote {
                i = end + 2  // the second quote of the pair
            } else if field[end] == 13 {
                i = end + 1
                if i < field.count, field[i] == 10 {
                    lineBreaks += 1
                    i += 1
                }
            } else {
                lineBreaks += 1
                i = end + 1
            }
        }
        row.endCopiedField()
        return lineBreaks
    }
}
