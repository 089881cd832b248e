import Contracts

/// Writes bytes through a pointer into memory its owner sized beforehand for everything that will
/// be written: no capacity checks, no reference counting — the inner loop of encoders that know an
/// upper bound of their output.
struct ByteCursor {
    let start: UnsafeMutablePointer<UInt8>
    private(set) var position: UnsafeMutablePointer<UInt8>

    init(_ start: UnsafeMutablePointer<UInt8>) {
        self.start = start
        position = start
    }

    /// The bytes written so far.
    var written: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: start, count: position - start) }

    @inline(__always)
    mutating func put(_ byte: UInt8) {
        position.initialize(to: byte)
        position += 1
    }

    @inline(__always)
    mutating func put(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress else { return }
        position.initialize(from: source, count: bytes.count)
        position += bytes.count
    }

    /// Writes `value` in decimal, as `String(value)` does (at most 20 bytes).
    mutating func putDecimal(_ value: Int) {
        if value < 0 { put(45) }
        var rest = value.magnitude
        var digits = 1
        var probe = rest / 10
        while probe > 0 {
            digits += 1
            probe /= 10
        }
        var index = digits - 1
        while index >= 0 {
            position[index] = UInt8(truncatingIfNeeded: 48 + rest % 10)
            rest /= 10
            index -= 1
        }
        position += digits
    }

    /// Writes a date in `layout` (at most 10 bytes), as `DateLayout.append` does: the year as its
    /// last four digits, month and day as two.
    mutating func putDate(_ date: CalendarDateConvertible, layout: DateLayout) {
        let (year, month, day) = date.dateParts
        switch layout {
        case .dayMonthYear:
            putTwoDigits(day); put(45); putTwoDigits(month); put(45); putFourDigits(year)
        case .compact:
            putFourDigits(year); putTwoDigits(month); putTwoDigits(day)
        case .iso:
            putFourDigits(year); put(45); putTwoDigits(month); put(45); putTwoDigits(day)
        }
    }

    @inline(__always)
    private mutating func putTwoDigits(_ value: Int) {
        let value = value % 100
        position[0] = UInt8(truncatingIfNeeded: 48 + value / 10)
        position[1] = UInt8(truncatingIfNeeded: 48 + value % 10)
        position += 2
    }

    @inline(__always)
    private mutating func putFourDigits(_ value: Int) {
        putTwoDigits(value / 100)
        putTwoDigits(value)
    }

    /// The most bytes `putDate` writes.
    static let dateByteBound = 10
}
