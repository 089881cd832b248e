import Foundation

/// A streaming RFC 4180 tokenizer: any separator, `"` quoting with doubled quotes, line breaks
/// inside quotes, CRLF or LF or CR line ends, an optional UTF-8 BOM. It reads the file in blocks,
/// so memory stays flat whatever the file size.
struct CSVTokenizer {
    enum TokenizerError: Error {
        case unterminatedQuote(line: Int)
    }

    let separator: UInt8
    let quote: UInt8
    /// How the file is read; rows may straddle its blocks.
    var reader = FileBlockReader()

    /// Calls `body` with each row of `url`, in order. A body may set `row.columnLimit`: from then
    /// on only that many fields of a row are read; the rest is scanned for the row's end (quotes
    /// still respected) without being copied — for key-only pre-scans.
    func forEachRow(of url: URL, _ body: (inout Row) throws -> Void) throws {
        precondition(reader.blockSize >= 3, "a byte order mark must fit in the first block")
        var state = ScanState()
        defer { state.row.deallocate() }
        try reader.forEachBlock(of: url) { block in try scan(block, &state, body) }
        if state.inQuotes && !state.afterQuote { throw TokenizerError.unterminatedQuote(line: state.quoteLine) }
        if !state.row.isUntouched {
            state.row.endField()
            if !state.row.isBlank { try body(&state.row) }
        }
    }

    /// Where tokenizing stands between two blocks.
    struct ScanState {
        var row = Row()
        var line = 1
        var inQuotes = false
        var afterQuote = false  // just saw a quote inside a quoted field: closing, or the first of a pair
        var fieldStart = true
        var lastWasCR = false  // the previous byte was a CR (its LF, if any, belongs to it)
        var knowsLineEnds = false  // whether the first row end has been seen
        var sawRowEndCR = false
        var usesCROnly = false
        var quoteLine = 0
        var isFirstBlock = true
        // Past the column limit: the rest of the row is only scanned for its end.
        var isSkipping = false
        var skipInQuotes = false
        var skipAfterQuote = false
        var skipFieldStart = false

        init() { row.line = 1 }
    }

    /// Tokenizes one block, continuing from `state`. The state is kept in locals while the block is
    /// read (so the compiler can hold it in registers) and written back when the block is done.
    private func scan(_ buffer: UnsafeBufferPointer<UInt8>, _ state: inout ScanState, _ body: (inout Row) throws -> Void) rethrows {
        var row = state.row
        var line = state.line
        var inQuotes = state.inQuotes
        var afterQuote = state.afterQuote
        var fieldStart = state.fieldStart
        var lastWasCR = state.lastWasCR
        var knowsLineEnds = state.knowsLineEnds
        var sawRowEndCR = state.sawRowEndCR
        var usesCROnly = state.usesCROnly
        var quoteLine = state.quoteLine
        var isFirstBlock = state.isFirstBlock
        var isSkipping = state.isSkipping
        var skipInQuotes = state.skipInQuotes
        var skipAfterQuote = state.skipAfterQuote
        var skipFieldStart = state.skipFieldStart
        defer {
            // Also when `body` throws: the row's storage may have moved.
            state.row = row
            state.line = line
            state.inQuotes = inQuotes
            state.afterQuote = afterQuote
            state.fieldStart = fieldStart
            state.lastWasCR = lastWasCR
            state.knowsLineEnds = knowsLineEnds
            state.sawRowEndCR = sawRowEndCR
            state.usesCROnly = usesCROnly
            state.quoteLine = quoteLine
            state.isFirstBlock = isFirstBlock
            state.isSkipping = isSkipping
            state.skipInQuotes = skipInQuotes
            state.skipAfterQuote = skipAfterQuote
            state.skipFieldStart = skipFieldStart
        }
        let separator = self.separator, quote = self.quote
        var i = 0
        if isFirstBlock {
            isFirstBlock = false
            if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
        }
        let n = buffer.count
        while i < n {
            if row.isUntouched && fieldStart && !inQuotes && !isSkipping && !lastWasCR && knowsLineEnds && !sawRowEndCR && !usesCROnly {
                // At a row start in a file with LF or CRLF line ends: plain rows are read in place,
                // one after another, until one needs the byte-by-byte path below.
                while let (end, lineBreaks) = rowInPlace(buffer, from: i, into: &row) {
                    line += 1 + lineBreaks
                    if !row.isBlank { try body(&row) }
                    row.startNext(line: line)
                    i = end
                }
                row.startNext(line: line)
                if i == n { break }
            }
            if isSkipping {
                // The same quoting rules as below, without copying: a quote opens a quoted
                // field only at the start of a field; `""` inside one is a literal quote.
                while i < n {
                    if skipInQuotes {
                        let byte = buffer[i]
                        if skipAfterQuote {
                            skipAfterQuote = false
                            if byte == quote { i += 1; continue }
                            skipInQuotes = false
                            continue  // look at this byte again, unquoted
                        }
                        // Lines are counted as in a field that is read: by CR in a CR-only file, else by LF.
                        if byte == quote { skipAfterQuote = true } else if byte == (usesCROnly ? 13 : 10) { line += 1 }
                        i += 1
                        continue
                    }
                    // Unquoted, only a line end or a quote matters; a quote opens a quoted
                    // field when it follows a separator.
                    while i < n, buffer[i] != 10, buffer[i] != 13, buffer[i] != quote { i += 1 }
                    if i == n || buffer[i] != quote { break }
                    if i > 0 ? buffer[i - 1] == separator : skipFieldStart { skipInQuotes = true }
                    i += 1
                }
                if i == n {
                    if !skipInQuotes { skipFieldStart = buffer[n - 1] == separator }
                    break
                }
                isSkipping = false  // the row ends here: the normal path sees the line end
            }
            let byte = buffer[i]
            i += 1
            if sawRowEndCR {
                // The first row ended in a CR: a CR-only file unless an LF follows.
                sawRowEndCR = false
                usesCROnly = byte != 10
            }
            if inQuotes {
                if afterQuote {
                    afterQuote = false
                    if byte == quote {
                        row.append(quote)
                        continue
                    }
                    inQuotes = false
                    if byte != separator && byte != 10 && byte != 13 { row.isMalformed = true }
                    // fall through to the unquoted handling of this byte
                } else if byte == quote {
                    afterQuote = true
                    lastWasCR = false
                    continue
                } else if byte == 13 {
                    // CR, CRLF and LF inside quotes all become one LF. Lines are counted
                    // the way the file ends its rows: by CR in a CR-only file, else by LF.
                    if usesCROnly { line += 1 }
                    row.append(10)
                    lastWasCR = true
                    continue
                } else if byte == 10 {
                    if !usesCROnly { line += 1 }
                    if lastWasCR { lastWasCR = false } else { row.append(10) }
                    continue
                } else {
                    // A run of ordinary quoted bytes, appended at once.
                    let runStart = i - 1
                    while i < n, buffer[i] != quote, buffer[i] != 10, buffer[i] != 13 { i += 1 }
                    row.append(UnsafeBufferPointer(rebasing: buffer[runStart..<i]))
                    lastWasCR = false
                    continue
                }
            }
            if byte == separator {
                row.endField()
                fieldStart = true
                lastWasCR = false
                if row.count >= row.columnLimit {
                    isSkipping = true
                    skipInQuotes = false
                    skipAfterQuote = false
                    skipFieldStart = true
                }
            } else if byte == 13 {
                line += 1
                lastWasCR = true
                if !knowsLineEnds {
                    knowsLineEnds = true
                    sawRowEndCR = true
                }
                row.endField()
                if !row.isBlank { try body(&row) }
                row.startNext(line: line)
                fieldStart = true
            } else if byte == 10 {
                if lastWasCR {
                    lastWasCR = false  // the LF of a CRLF: the row already ended at the CR
                    row.line = line
                    continue
                }
                line += 1
                knowsLineEnds = true
                row.endField()
                if !row.isBlank { try body(&row) }
                row.startNext(line: line)
                fieldStart = true
            } else if byte == quote && fieldStart {
                inQuotes = true
                quoteLine = line
                fieldStart = false
                lastWasCR = false
            } else {
                // A run of ordinary unquoted bytes, appended at once.
                let runStart = i - 1
                while i < n, buffer[i] != separator, buffer[i] != 10, buffer[i] != 13 { i += 1 }
                row.append(UnsafeBufferPointer(rebasing: buffer[runStart..<i]))
                fieldStart = false
                lastWasCR = false
            }
        }
    }
}
