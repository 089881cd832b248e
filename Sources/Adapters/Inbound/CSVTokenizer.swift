import Foundation

/// A streaming RFC 4180 tokenizer: any separator, `"` quoting with doubled quotes, line breaks
/// inside quotes, CRLF or LF or CR line ends, an optional UTF-8 BOM. It reads the file in chunks,
/// so memory stays flat whatever the file size.
struct CSVTokenizer {
    /// One row: unescaped field bytes and where each field ends.
    struct Row {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        /// Physical line (1-based) where the row starts.
        var line = 0
        /// Set when a quoted field is followed by stray characters.
        var isMalformed = false
        /// Fields to read of each following row; the rest of a row is skipped.
        var columnLimit = Int.max

        var count: Int { ends.count }

        func range(_ index: Int) -> Range<Int> { (index == 0 ? 0 : ends[index - 1])..<ends[index] }

        func isEmpty(_ index: Int) -> Bool { range(index).isEmpty }

        /// The field as UTF-8 text; nil when the bytes are not valid UTF-8.
        /// - Parameter trimmed: leave out spaces and tabs at both ends.
        func string(_ index: Int, trimmed: Bool = false) -> String? {
            screenedString(index, trimmed: trimmed)?.text
        }

        /// The field as UTF-8 text (nil when not valid UTF-8), and whether it holds C0 controls
        /// other than tab, LF and CR, or DEL — found in the same pass over the bytes.
        func screenedString(_ index: Int, trimmed: Bool) -> (text: String, hasControlCharacters: Bool)? {
            let r = range(index, trimmed: trimmed)
            if r.isEmpty { return ("", false) }
            return bytes.withUnsafeBufferPointer { buffer in
                let field = UnsafeBufferPointer(rebasing: buffer[r])
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
        }

        /// Calls `body` with the field's bytes as they are (no UTF-8 check), for hashing.
        func withBytes<T>(_ index: Int, trimmed: Bool, _ body: (UnsafeBufferPointer<UInt8>) -> T) -> T {
            let r = range(index, trimmed: trimmed)
            return bytes.withUnsafeBufferPointer { body(UnsafeBufferPointer(rebasing: $0[r])) }
        }

        /// The field's byte range, without spaces and tabs at both ends when `trimmed`.
        private func range(_ index: Int, trimmed: Bool) -> Range<Int> {
            var r = range(index)
            if trimmed {
                while !r.isEmpty, bytes[r.lowerBound] == 32 || bytes[r.lowerBound] == 9 { r = (r.lowerBound + 1)..<r.upperBound }
                while !r.isEmpty, bytes[r.upperBound - 1] == 32 || bytes[r.upperBound - 1] == 9 { r = r.lowerBound..<(r.upperBound - 1) }
            }
            return r
        }

        /// Whether the row is a blank line.
        var isBlank: Bool { ends.count == 1 && ends[0] == 0 }

        /// Empties the row for the next one, which starts on `line`.
        mutating func startNext(line: Int) {
            bytes.removeAll(keepingCapacity: true)
            ends.removeAll(keepingCapacity: true)
            isMalformed = false
            self.line = line
        }
    }

    enum TokenizerError: Error {
        case unterminatedQuote(line: Int)
    }

    let separator: UInt8
    let quote: UInt8
    static let chunkSize = 1 << 20

    /// Calls `body` with each row of `url`, in order. A body may set `row.columnLimit`: from then
    /// on only that many fields of a row are read; the rest is scanned for the row's end (quotes
    /// still respected) without being copied — for key-only pre-scans.
    func forEachRow(of url: URL, _ body: (inout Row) throws -> Void) throws {
        guard let handle = FileHandle(forReadingAtPath: url.path) else {
            throw CocoaError(.fileReadNoSuchFile)
        }
        defer { try? handle.close() }
        var row = Row()
        row.bytes.reserveCapacity(4096)
        row.ends.reserveCapacity(64)
        var line = 1
        row.line = 1
        var inQuotes = false
        var afterQuote = false  // just saw a quote inside a quoted field: closing, or the first of a pair
        var fieldStart = true
        var lastWasCR = false  // the previous byte was a CR (its LF, if any, belongs to it)
        var knowsLineEnds = false  // whether the first row end has been seen
        var sawRowEndCR = false
        var usesCROnly = false
        var quoteLine = 0
        var isFirstChunk = true
        // Past the column limit: the rest of the row is only scanned for its end.
        var isSkipping = false
        var skipInQuotes = false
        var skipAfterQuote = false
        var skipFieldStart = false
        let separator = self.separator, quote = self.quote

        while true {
            let chunk = handle.readData(ofLength: Self.chunkSize)
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
                let buffer = raw.bindMemory(to: UInt8.self)
                var i = 0
                if isFirstChunk {
                    isFirstChunk = false
                    if buffer.count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { i = 3 }
                }
                let n = buffer.count
                while i < n {
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
                                if byte == quote { skipAfterQuote = true } else if byte == 10 || (byte == 13 && !(i + 1 < n && buffer[i + 1] == 10)) { line += 1 }
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
                                row.bytes.append(quote)
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
                            row.bytes.append(10)
                            lastWasCR = true
                            continue
                        } else if byte == 10 {
                            if !usesCROnly { line += 1 }
                            if lastWasCR { lastWasCR = false } else { row.bytes.append(10) }
                            continue
                        } else {
                            // A run of ordinary quoted bytes, appended at once.
                            let runStart = i - 1
                            while i < n, buffer[i] != quote, buffer[i] != 10, buffer[i] != 13 { i += 1 }
                            row.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<i]))
                            lastWasCR = false
                            continue
                        }
                    }
                    if byte == separator {
                        row.ends.append(row.bytes.count)
                        fieldStart = true
                        lastWasCR = false
                        if row.ends.count >= row.columnLimit {
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
                        row.ends.append(row.bytes.count)
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
                        row.ends.append(row.bytes.count)
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
                        row.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[runStart..<i]))
                        fieldStart = false
                        lastWasCR = false
                    }
                }
            }
        }
        if inQuotes && !afterQuote { throw TokenizerError.unterminatedQuote(line: quoteLine) }
        if !row.bytes.isEmpty || !row.ends.isEmpty {
            row.ends.append(row.bytes.count)
            if !row.isBlank { try body(&row) }
        }
    }
}
