import Contracts

/// Writes records as JSON: one object per record, keys in mapping order, numbers and booleans as
/// JSON numbers and booleans by the contract's logical type.
///
/// Options: `layout`: `lines` (one object a line, default) or `array`.
public struct JSONRecordEncoder: OutboundEncoder {
    /// `application/jsonl` for the `lines` layout, `application/json` for `array`.
    public let contentType: String
    let keys: [String]
    let types: [LogicalType]
    let isArray: Bool

    /// Takes the keys and logical types of the item fields; any `layout` but `array` means lines.
    public init(mapping: AdapterMapping) throws {
        keys = mapping.item.fields.map(\.location)
        types = mapping.item.fields.map { mapping.item.object.field($0.field)!.logicalType }
        isArray = try mapping.options?["layout"]?.string() == "array"
        contentType = isArray ? "application/json" : "application/jsonl"
    }

    /// Appends `[` in the `array` layout; nothing otherwise.
    public func begin(context: [String: String], into output: inout [UInt8]) {
        if isArray { output.append(91) }
    }

    /// Appends one object, leaving out nil values; integers and booleans whose text reads as one are written
    /// bare, anything else as a string. In the `array` layout a comma goes first unless `output` ends in `[`:
    /// write every record into the buffer `begin` wrote to.
    public func encode(values: [String?], into output: inout [UInt8]) {
        if isArray, output.last != 91 { output.append(44) }
        output.append(123)
        var first = true
        for (index, value) in values.enumerated() {
            guard let value else { continue }
            if !first { output.append(44) }
            first = false
            JSONEscaping.appendString(keys[index], to: &output)
            output.append(58)
            switch types[index] {
            case .integer where Int(value) != nil, .boolean where value == "true" || value == "false":
                output.append(contentsOf: value.utf8)
            default:
                JSONEscaping.appendString(value, to: &output)
            }
        }
        output.append(125)
        if !isArray { output.append(10) }
    }

    /// Appends `]` and a line end in the `array` layout; nothing otherwise.
    public func end(context: [String: String], into output: inout [UInt8]) {
        if isArray { output.append(contentsOf: [93, 10]) }
    }
}

/// JSON string escaping (RFC 8259).
public enum JSONEscaping {
    /// Appends `text` as a quoted JSON string: quotes, backslashes and control characters escaped, all
    /// else as its UTF-8 bytes.
    public static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(34)
        for byte in text.utf8 {
            switch byte {
            case 34: output.append(contentsOf: [92, 34])
            case 92: output.append(contentsOf: [92, 92])
            case 10: output.append(contentsOf: [92, 110])
            case 13: output.append(contentsOf: [92, 114])
            case 9: output.append(contentsOf: [92, 116])
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                output.append(contentsOf: [92, 117, 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
            default: output.append(byte)
            }
        }
        output.append(34)
    }
}
