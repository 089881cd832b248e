import Contracts
import Foundation
import KetenpoortCore

/// Reads delimited text (COA's TVS export and the like). Columns are matched by name,
/// case-insensitively, in any order; unknown columns are reported and ignored; a missing required
/// column rejects the file.
///
/// Options: `separator` (default `;`), `quote` (default `"`).
public struct CSVDecoder: InboundDecoder {
    let mapping: ObjectMapping
    var tokenizer: CSVTokenizer

    /// Reads the `separator` and `quote` options; throws `adapterInvalid` unless each is one ASCII character.
    public init(mapping: AdapterMapping) throws {
        let separator = try mapping.options?["separator"]?.string() ?? ";"
        let quote = try mapping.options?["quote"]?.string() ?? "\""
        guard separator.utf8.count == 1, quote.utf8.count == 1 else {
            throw mapping.options!.error("separator and quote must be single ASCII characters", code: .adapterInvalid)
        }
        self.mapping = mapping.item
        self.tokenizer = CSVTokenizer(separator: separator.utf8.first!, quote: quote.utf8.first!)
    }

    /// Reads the header line, then reports one `.item` per data row, positioned by the line it starts on.
    public func decode(_ url: URL, onlyFields: Set<String>?, sink: (DecodedEvent) throws -> Void) throws {
        let fields = ResolvedFields(mapping, onlyFields: onlyFields)
        let object = mapping.object
        var columnOfEntry: [Int?] = []
        var plan = ColumnPlan(entries: [], columns: [])
        var headerCount = 0
        var stopped = false
        var raw = RawItem(position: .line(0), texts: [String?](repeating: nil, count: fields.fieldCount))
        let cache = FieldTextCache(columns: fields.entries.count)
        defer { cache.deallocate() }
        do {
            try tokenizer.forEachRow(of: url) { row in
                if stopped {
                    // The file is refused already: its rows are counted, not read.
                    return try sink(.skippedItem(.line(row.line)))
                }
                if headerCount == 0 {
                    headerCount = row.count
                    let names = Self.columnNames(of: row)
                    let known = Set(mapping.fields.map { $0.location.uppercased() })
                    // A file without its header line starts with a data row: it names no known
                    // column and holds values no column name looks like. It is refused, that row
                    // counted as the item it is (and its values never repeated).
                    guard names.contains(where: { known.contains($0.uppercased()) }) || names.allSatisfy(Self.looksLikeColumnName) else {
                        stopped = true
                        try sink(
                            .fileFinding(
                                Finding(
                                    position: .line(row.line), field: nil, rule: .structure,
                                    message: "the first line is not a header (it names no known column): the file has no header line", level: .file)))
                        return try sink(.skippedItem(.line(row.line)))
                    }
                    let columns = Self.columnIndexes(names)
                    columnOfEntry = fields.entries.map { columns[$0.location.uppercased()] }
                    plan = ColumnPlan(entries: fields.entries, columns: columnOfEntry)
                    // A key-only pre-scan reads no further into a row than its last wanted column.
                    if onlyFields != nil { row.columnLimit = (columnOfEntry.compactMap { $0 }.max() ?? 0) + 1 }
                    let unknown = names.filter { !known.contains($0.uppercased()) }
                    let missing = missingRequiredColumns(Set(columns.keys))
                    // A header is partner-supplied text: when it is not recognisable (a file without
                    // its header line starts with personal data), its names are never repeated.
                    if !unknown.isEmpty {
                        let isRecognisable = missing.isEmpty && unknown.allSatisfy(Self.looksLikeColumnName)
                        try sink(.unknownColumns(isRecognisable ? unknown : unknown.map { _ in "(unnamed)" }))
                    }
                    if !missing.isEmpty {
                        stopped = true
                        try sink(
                            .fileFinding(
                                Finding(
                                    position: .line(row.line), field: nil, rule: .missingColumn,
                                    message:
                                        "required column\(missing.count > 1 ? "s" : "") \(missing.joined(separator: ", ")) missing from the header",
                                    level: .file)))
                    }
                    return
                }
                // One texts buffer for the whole file: a sink that keeps an item gets its own copy.
                raw.position = .line(row.line)
                raw.screenedSlots = 0
                raw.controlCharacterSlots = 0
                if row.isMalformed {
                    clear(&raw, plan)
                    raw.malformation = "characters after a closing quote"
                } else if row.count != headerCount && onlyFields == nil {
                    clear(&raw, plan)
                    raw.malformation = "the row has \(row.count) fields, the header \(headerCount)"
                } else {
                    raw.malformation = read(row, into: &raw, plan, fields, cache)
                }
                try sink(.item(raw))
            }
        } catch CSVTokenizer.TokenizerError.unterminatedQuote(let line) {
            try sink(
                .fileFinding(
                    Finding(
                        position: .line(line), field: nil, rule: .structure, message: "a quoted field starting here is never closed", level: .file)))
            // From here on rows cannot be told apart: each line left counts as one item.
            let firstItemLine = headerCount == 0 ? line + 1 : line
            try PhysicalLines.forEachNonEmptyLine(of: url) { number in
                if number >= firstItemLine { try sink(.skippedItem(.line(number))) }
            }
            return
        }
        if headerCount == 0 {
            try sink(
                .fileFinding(Finding(position: .line(1), field: nil, rule: .structure, message: "the file is empty: no header line", level: .file)))
        }
        _ = object
    }

    /// Sets `raw`'s texts to the mapped fields of `row`; returns why the row cannot be read (a field
    /// that is not valid UTF-8: the fields after it stay empty), or nil.
    private func read(
        _ row: CSVTokenizer.Row, into raw: inout RawItem, _ plan: ColumnPlan, _ fields: ResolvedFields, _ cache: FieldTextCache
    ) -> String? {
        var malformation: String?
        var screened: UInt64 = 0
        var control: UInt64 = 0
        plan.entries.withUnsafeBufferPointer { entries in
            raw.texts.withUnsafeMutableBufferPointer { texts in
                for index in 0..<entries.count {
                    let entry = entries[index]
                    guard malformation == nil, entry.column >= 0, entry.column < row.count else {
                        texts[entry.slot] = nil
                        continue
                    }
                    let bytes = row.bytes(entry.column, trimmed: entry.trims)
                    if bytes.isEmpty {
                        texts[entry.slot] = nil
                        continue
                    }
                    guard let (text, hasControl) = cache.text(of: bytes, in: index) else {
                        malformation = "a field is not valid UTF-8"
                        texts[entry.slot] = nil
                        continue
                    }
                    if entry.hasRemaining {
                        texts[entry.slot] = ResolvedFields.transform(text, fields.entries[index].remaining)
                    } else {
                        texts[entry.slot] = text
                        if entry.slot < 64 {
                            screened |= 1 << UInt64(entry.slot)
                            if hasControl { control |= 1 << UInt64(entry.slot) }
                        }
                    }
                }
            }
        }
        raw.screenedSlots = screened
        raw.controlCharacterSlots = control
        return malformation
    }

    /// Empties `raw`'s mapped texts.
    private func clear(_ raw: inout RawItem, _ plan: ColumnPlan) {
        for entry in plan.entries { raw.texts[entry.slot] = nil }
    }

    /// Reads only the bytes of `fieldNames`' columns, without making text of them: the
    /// duplicate pre-scan of a large file. Fields with transforms other than `trim`, `bsn` and an
    /// ASCII `padLeft` go through `decode`.
    public func forEachValue(in url: URL, of fieldNames: Set<String>, _ body: (_ slot: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Void) throws {
        let fields = ResolvedFields(mapping, onlyFields: fieldNames)
        // Per entry: the width and byte to pad to (width 0: no padding), and whether only eight
        // digits are padded (the BSN rule).
        var padding: [(width: Int, byte: UInt8, onlyEightDigits: Bool)] = []
        for entry in fields.entries {
            switch entry.remaining.first {
            case nil: padding.append((0, 0, false))
            case .padLeft(let width, let pad) where entry.remaining.count == 1 && pad.isASCII: padding.append((width, pad.asciiValue!, false))
            case .bsn where entry.remaining.count == 1: padding.append((9, UInt8(ascii: "0"), true))
            default: return try forEachDecodedValue(in: url, of: fieldNames, body)
            }
        }
        var plan: ColumnPlan?
        do {
            try tokenizer.forEachRow(of: url) { row in
                guard let plan else {
                    let columns = Self.columnIndexes(Self.columnNames(of: row))
                    let columnOfEntry = fields.entries.map { columns[$0.location.uppercased()] }
                    plan = ColumnPlan(entries: fields.entries, columns: columnOfEntry)
                    row.columnLimit = (columnOfEntry.compactMap { $0 }.max() ?? 0) + 1
                    return
                }
                for (index, entry) in plan.entries.enumerated() {
                    guard entry.column >= 0, entry.column < row.count, !row.isEmpty(entry.column) else { continue }
                    let (width, pad, onlyEightDigits) = padding[index]
                    row.withBytes(entry.column, trimmed: entry.trims) { bytes in
                        if bytes.isEmpty { return }
                        if bytes.count >= width { return body(entry.slot, bytes) }
                        if onlyEightDigits, bytes.count != 8 || !bytes.allSatisfy(ASCII.isDigit) { return body(entry.slot, bytes) }
                        let padded = [UInt8](repeating: pad, count: width - bytes.count) + bytes
                        padded.withUnsafeBufferPointer { body(entry.slot, $0) }
                    }
                }
            }
        } catch CSVTokenizer.TokenizerError.unterminatedQuote {
            return  // the file is rejected by the validation pass, which reports it
        }
    }

    /// The header's column names, without surrounding whitespace.
    static func columnNames(of header: CSVTokenizer.Row) -> [String] {
        (0..<header.count).map { (header.string($0) ?? "").trimmingCharacters(in: .whitespaces) }
    }

    /// Column index by upper-cased name (names match case-insensitively).
    static func columnIndexes(_ names: [String]) -> [String: Int] {
        var columns: [String: Int] = [:]
        for (index, name) in names.enumerated() { columns[name.uppercased()] = index }
        return columns
    }

    /// A column name: a letter, then letters, digits, `_`, `-` and spaces, at most 64 characters.
    static func looksLikeColumnName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, bytes.count <= 64, ASCII.isUpper(first) || ASCII.isLower(first) else { return false }
        return bytes.allSatisfy { ASCII.isUpper($0) || ASCII.isLower($0) || ASCII.isDigit($0) || $0 == 95 || $0 == 45 || $0 == 32 }
    }

    /// Required columns absent from the header; a requireOneOf group is missing only when all are.
    private func missingRequiredColumns(_ present: Set<String>) -> [String] {
        let object = mapping.object
        func has(_ name: String) -> Bool {
            guard let location = mapping.fields.first(where: { $0.field == name })?.location else { return false }
            return present.contains(location.uppercased())
        }
        var missing = object.fields.filter { $0.isRequired && !has($0.name) }.compactMap { field in
            mapping.fields.first { $0.field == field.name }?.location ?? field.physicalName
        }
        for rule in object.recordRules {
            if case .requireOneOf(let names) = rule.kind, !names.contains(where: has) {
                missing.append(names.compactMap { name in mapping.fields.first { $0.field == name }?.location }.joined(separator: "/"))
            }
        }
        return missing
    }
}

/// Where each mapped field is in a row, as a plain table.
struct ColumnPlan {
    struct Entry {
        /// -1: the column is absent.
        let column: Int
        let slot: Int
        let trims: Bool
        let hasRemaining: Bool
    }

    let entries: [Entry]

    init(entries: [ResolvedFields.Entry], columns: [Int?]) {
        self.entries = zip(entries, columns).map { entry, column in
            Entry(column: column ?? -1, slot: entry.slot, trims: entry.trimsFirst, hasRemaining: !entry.remaining.isEmpty)
        }
    }
}
