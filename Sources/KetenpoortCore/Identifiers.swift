/// A foreigner number (V-nummer) issued by the IND: exactly ten digits.
public struct VNummer: Hashable, Sendable, CustomStringConvertible {
    /// The ten digits.
    public let digits: String

    /// Parses a V-number; nil unless exactly ten ASCII digits.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 10, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        digits = String(text)
    }

    /// Whether `text` is a V-number, without building one.
    @inlinable public static func isValid(_ text: some Collection<UInt8>) -> Bool { text.count == 10 && text.allSatisfy(ASCII.isDigit) }

    public var description: String { "VNummer(redacted)" }
}

/// A government organisation number (Organisatie-identificatienummer): twenty digits.
public struct OIN: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The twenty digits.
    public let value: String

    /// Parses an OIN; nil unless exactly twenty ASCII digits.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 20, text.utf8.allSatisfy(ASCII.isDigit) else { return nil }
        value = String(text)
    }

    /// Whether `text` is an OIN, without building one.
    @inlinable public static func isValid(_ text: some Collection<UInt8>) -> Bool { text.count == 20 && text.allSatisfy(ASCII.isDigit) }

    public var description: String { value }
}

/// A municipality code: `GM` followed by four digits (`GM0363` is Amsterdam).
public struct GemeenteCode: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The code, e.g. `GM0363`.
    public let value: String

    /// Parses a municipality code; nil unless `GM` + four digits.
    public init?(_ text: some StringProtocol) {
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "G"), bytes[1] == UInt8(ascii: "M"),
            bytes[2...].allSatisfy(ASCII.isDigit)
        else { return nil }
        value = String(text)
    }

    /// Whether `text` is a municipality code, without building one.
    @inlinable public static func isValid(_ text: some Collection<UInt8>) -> Bool {
        guard text.count == 6 else { return false }
        var index = 0
        for byte in text {
            switch index {
            case 0: if byte != UInt8(ascii: "G") { return false }
            case 1: if byte != UInt8(ascii: "M") { return false }
            default: if !ASCII.isDigit(byte) { return false }
            }
            index += 1
        }
        return true
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// An ISO 3166-1 alpha-3 country code; `XXX` means unknown.
public struct CountryCode: Hashable, Sendable, CustomStringConvertible {
    /// The three upper-case letters.
    public let value: String

    /// Parses a country code; nil unless three ASCII upper-case letters.
    public init?(_ text: some StringProtocol) {
        guard text.utf8.count == 3, text.utf8.allSatisfy(ASCII.isUpper) else { return nil }
        value = String(text)
    }

    /// Whether `text` is a country code, without building one.
    @inlinable public static func isValid(_ text: some Collection<UInt8>) -> Bool { text.count == 3 && text.allSatisfy(ASCII.isUpper) }

    /// Whether the country is unknown (`XXX`).
    public var isUnknown: Bool { value == "XXX" }
    public var description: String { value }
}

/// Byte classification helpers shared by the parsers.
public enum ASCII {
    @inlinable public static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }
    @inlinable public static func isUpper(_ byte: UInt8) -> Bool { byte >= 65 && byte <= 90 }
    @inlinable public static func isLower(_ byte: UInt8) -> Bool { byte >= 97 && byte <= 122 }
    @inlinable public static func isSpace(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
}
