import Foundation

/// The payload of an audit entry: flat values, encoded as canonical JSON (keys sorted, no
/// whitespace), so the same facts always give the same bytes and the same hash.
/// Only ids, counts, hashes and pseudonyms go in: never a BSN, a name or health data.
public struct AuditPayload: Sendable, Equatable {
    /// One value.
    public enum Value: Sendable, Equatable {
        case text(String)
        case number(Int)
        case flag(Bool)
        case texts([String])
    }

    public var fields: [String: Value]

    public init(_ fields: [String: Value]) { self.fields = fields }

    /// `{"a":1,"b":"x"}`: keys in byte order, strings JSON-escaped.
    public var canonical: String {
        "{"
            + fields.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { key in
                Self.quoted(key) + ":" + Self.encode(fields[key]!)
            }.joined(separator: ",") + "}"
    }

    static func encode(_ value: Value) -> String {
        switch value {
        case .text(let text): quoted(text)
        case .number(let number): String(number)
        case .flag(let flag): flag ? "true" : "false"
        case .texts(let texts): "[" + texts.map(quoted).joined(separator: ",") + "]"
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\u00XX`, the rest verbatim UTF-8.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
