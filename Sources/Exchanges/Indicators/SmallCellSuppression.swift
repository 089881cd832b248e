/// Statistical disclosure control for every human-facing output: a cell of fewer than 10 persons
/// is shown as `<10`, and so is a percentage whose count or base is such a cell.
public enum SmallCellSuppression {
    public static let threshold = 10

    /// A count as shown.
    public static func count(_ value: Int) -> Shown { value < threshold ? .suppressed : .value(value) }

    /// A percentage as shown: suppressed when its count or its base is a small cell.
    public static func percent(_ percent: Int?, count: Int, of base: Int) -> Shown {
        guard let percent, count >= threshold, base >= threshold else { return .suppressed }
        return .value(percent)
    }

    /// A shown value: a number, or `<10`; encodes as a JSON number or the string `"<10"`.
    public enum Shown: Encodable, Sendable, Equatable, CustomStringConvertible {
        case value(Int)
        case suppressed

        public var description: String {
            switch self {
            case .value(let value): String(value)
            case .suppressed: "<10"
            }
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .value(let value): try container.encode(value)
            case .suppressed: try container.encode("<10")
            }
        }
    }
}

/// Whole-number percentages of parts of one total that add up to 100 (largest remainder), as the
/// Minister's table gives them; all zeros for an empty total.
public func wholePercentages(_ parts: [Int], of total: Int) -> [Int] {
    guard total > 0 else { return parts.map { _ in 0 } }
    var result = parts.map { $0 * 100 / total }
    let remainders = parts.enumerated().map { (index: $0.offset, remainder: $0.element * 100 % total) }
    let missing = 100 - result.reduce(0, +)
    for entry in remainders.sorted(by: { $0.remainder != $1.remainder ? $0.remainder > $1.remainder : $0.index < $1.index }).prefix(max(0, missing)) {
        result[entry.index] += 1
    }
    return result
}
