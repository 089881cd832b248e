/// Whole numbers written in decimal, read from UTF-8 bytes.
enum DecimalText {
    /// The integer `bytes` spell, read exactly as `Int(String)` reads text: an optional `+` or `-`,
    /// then one or more ASCII digits; nil otherwise, or when the number does not fit an `Int`.
    static func integer(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        var isNegative = false
        if let first = bytes.first, first == 43 || first == 45 {
            isNegative = first == 45
            index = 1
        }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = Int(bytes[index]) - 48
            guard digit >= 0, digit <= 9 else { return nil }
            let (shifted, overflowed) = value.multipliedReportingOverflow(by: 10)
            let (next, overflowedAgain) = isNegative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflowed, !overflowedAgain else { return nil }
            value = next
            index += 1
        }
        return value
    }
}
