/// A citizen service number (burgerservicenummer): nine digits passing the 11-test.
///
/// The number is a secret: `description`, `debugDescription` and reflection never show it.
/// Use ``digits`` only where the number must leave the process (an encoded record, a keyed pseudonym).
public struct BSN: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The nine ASCII digits; eight-digit input has been left-padded with `0`.
    public let digits: String

    /// Parses a BSN; eight-digit values are left-padded with `0`. Returns nil unless the 11-test passes.
    public init?(_ text: some StringProtocol) {
        var bytes = Array(text.utf8)
        if bytes.count == 8 { bytes.insert(UInt8(ascii: "0"), at: 0) }
        guard BSN.isValid(bytes) else { return nil }
        self.digits = String(decoding: bytes, as: UTF8.self)
    }

    /// The number as an integer (for control totals).
    public var numericValue: Int { Int(digits)! }

    /// True when `bytes` are nine ASCII digits, not all zero, passing the 11-test
    /// `9·d1 + 8·d2 + … + 2·d8 − 1·d9 ≡ 0 (mod 11)`.
    @inlinable
    public static func isValid(_ bytes: some Collection<UInt8>) -> Bool {
        guard bytes.count == 9 else { return false }
        var sum = 0
        var weight = 9
        var allZero = true
        for byte in bytes {
            guard byte >= 48, byte <= 57 else { return false }
            let digit = Int(byte &- 48)
            if digit != 0 { allZero = false }
            sum += weight == 1 ? -digit : digit * weight
            weight -= 1
        }
        return !allZero && sum % 11 == 0
    }

    public var description: String { "BSN(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
