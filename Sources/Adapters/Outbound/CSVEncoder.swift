import Contracts

/// Writes delimited text with a header line (the CBS delivery). Fields holding the separator, a
/// quote or a line break are quoted, quotes doubled.
///
/// Options: `separator` (default `;`).
public struct CSVEncoder: OutboundEncoder {
    /// Always `text/csv`.
    public let contentType = "text/csv"
    let separator: UInt8
    let columns: [String]

    /// Takes the column names from the item fields' locations; throws `adapterInvalid` unless `separator` is
    /// one byte.
    public init(mapping: AdapterMapping) throws {
        let separator = try mapping.options?["separator"]?.string() ?? ";"
        guard separator.utf8.count == 1 else { throw KetenpoortErrorFactory.invalid(mapping, "separator must be one character") }
        self.separator = separator.utf8.first!
        columns = mapping.item.fields.map(\.location)
    }

    /// Appends the header line of column names.
    public func begin(context: [String: String], into output: inout [UInt8]) {
        encode(values: columns, into: &output)
    }

    /// Appends one line; a nil value leaves its field empty.
    public func encode(values: [String?], into output: inout [UInt8]) {
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(separator) }
            guard let value else { continue }
            let needsQuotes = value.utf8.contains { $0 == separator || $0 == 34 || $0 == 10 || $0 == 13 }
            if needsQuotes {
                output.append(34)
                for byte in value.utf8 {
                    if byte == 34 { output.append(34) }
                    output.append(byte)
                }
                output.append(34)
            } else {
                output.append(contentsOf: value.utf8)
            }
        }
        output.append(10)
    }

    /// Appends nothing: the format has no trailer.
    public func end(context: [String: String], into output: inout [UInt8]) {}
}
