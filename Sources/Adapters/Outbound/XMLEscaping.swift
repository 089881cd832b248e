import KetenpoortCore

/// XML escaping of text and attribute values, into an array or through a `ByteCursor`: the same
/// bytes either way.
public enum XMLEscaping {
    /// Appends `text` escaped as element content: `&`, `<`, `>` and CR as references, control characters other
    /// than tab and LF as U+FFFD.
    public static func appendText(_ text: String, to output: inout [UInt8]) {
        append(text, inAttribute: false, to: &output)
    }

    /// Appends `text` escaped as an attribute value: as `appendText`, plus `"`, `'`, tab and LF as references.
    public static func appendAttribute(_ text: String, to output: inout [UInt8]) {
        append(text, inAttribute: true, to: &output)
    }

    /// The most bytes escaping one input byte can produce (`&quot;`).
    static let expansion = 6

    /// Writes `text` escaped as element text, byte for byte as `appendText` does.
    static func writeText(_ text: String, to cursor: inout ByteCursor) {
        write(text, inAttribute: false, to: &cursor)
    }

    /// Writes `text` escaped as an attribute value, byte for byte as `appendAttribute` does.
    static func writeAttribute(_ text: String, to cursor: inout ByteCursor) {
        write(text, inAttribute: true, to: &cursor)
    }

    private static func append(_ text: String, inAttribute: Bool, to output: inout [UInt8]) {
        text.withContiguousUTF8 { bytes in
            guard needsEscaping(bytes, inAttribute: inAttribute) else { return output.append(contentsOf: bytes) }
            for byte in bytes {
                if let entity = entity(for: byte, inAttribute: inAttribute) {
                    output.append(contentsOf: UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                } else {
                    output.append(byte)
                }
            }
        }
    }

    @inline(__always)
    private static func write(_ text: String, inAttribute: Bool, to cursor: inout ByteCursor) {
        text.withContiguousUTF8 { bytes in
            guard needsEscaping(bytes, inAttribute: inAttribute) else { return cursor.put(bytes) }
            for byte in bytes {
                if let entity = entity(for: byte, inAttribute: inAttribute) {
                    cursor.put(UnsafeBufferPointer(start: entity.utf8Start, count: entity.utf8CodeUnitCount))
                } else {
                    cursor.put(byte)
                }
            }
        }
    }

    @inline(__always)
    private static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>, inAttribute: Bool) -> Bool {
        for byte in bytes where byte == 38 || byte == 60 || byte == 62 || byte < 32 || (inAttribute && (byte == 34 || byte == 39)) {
            return true
        }
        return false
    }

    /// What stands for `byte`; nil: the byte itself. Control characters XML 1.0 does not allow
    /// become U+FFFD (validation refuses them earlier; this keeps any document well-formed
    /// whatever reaches the encoder).
    @inline(__always)
    private static func entity(for byte: UInt8, inAttribute: Bool) -> StaticString? {
        switch byte {
        case 38: "&amp;"
        case 60: "&lt;"
        case 62: "&gt;"
        case 13: "&#13;"
        case 34 where inAttribute: "&quot;"
        case 39 where inAttribute: "&apos;"
        case 10 where inAttribute: "&#10;"
        case 9 where inAttribute: "&#9;"
        case 9, 10: nil
        case 0..<32: "\u{FFFD}"
        default: nil
        }
    }
}
