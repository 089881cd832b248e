/// A citizen service number (burgerservicenummer): nine digits passing the 11-test.
///
/// The number is a secret: `description`, `debugDescription` and reflection never show it.
/// Use ``digits`` only where the number must leave the process (an encoded record, a keyed pseudonym).
public struct BSN: Hashable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The nine ASCII digits; eight-digit input has been left-padded with `0`.
    public let digits: String

    /// Parses a BSN by the one rule of every entry point (``normalized(_:)``, then the 11-test).
    public init?(_ text: some StringProtocol) {
        let text = BSN.normalized(String(text))
        guard BSN.isValid(text.utf8) else { return nil }
        self.digits = text
    }

    /// The one BSN rule of every entry point (formats.md): eight ASCII digits are a BSN whose
    /// leading zero was dropped and get it back; any other text is left as it is, for the 11-test
    /// to judge (so seven digits or fewer, ten or more, or anything but digits are refused).
    public static func normalized(_ text: String) -> String {
        let bytes = text.utf8
        guard bytes.count == 8, bytes.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return text }
        return "0" + text
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

    /// Whether `bytes` hold a BSN: a run of exactly nine ASCII digits passing the 11-test (with
    /// `eightDigits`, also eight, as a BSN whose leading zero was dropped). For refusing text that
    /// must not carry one (URLs, case numbers, free-text reasons).
    public static func occurs(in bytes: some Sequence<UInt8>, eightDigits: Bool = false) -> Bool {
        var run: [UInt8] = []
        func isBSN() -> Bool { (run.count == 9 && isValid(run)) || (eightDigits && run.count == 8 && isValid([48] + run)) }
        for byte in bytes {
            if byte >= 48 && byte <= 57 {
                run.append(byte)
                continue
            }
            if isBSN() { return true }
            run.removeAll(keepingCapacity: true)
        }
        return isBSN()
    }

    public var description: String { "BSN(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
