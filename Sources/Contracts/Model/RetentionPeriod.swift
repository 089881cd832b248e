import Foundation

/// How long the gateway keeps the personal data of an exchange: an ISO 8601 duration of whole
/// years, months, weeks and days (`P1Y`, `P18M`, `P6W`, `P30D`, `P1Y6M`), as a contract's
/// `retention` customProperty states it. Counted on the Europe/Amsterdam calendar.
///
/// ```swift
/// let period = RetentionPeriod("P1Y")!
/// period.cutoff(before: now)   // a year before now: data from before it is due for deletion
/// ```
public struct RetentionPeriod: Sendable, Hashable, CustomStringConvertible {
    /// Whole years of the period.
    public let years: Int
    /// Whole months of the period.
    public let months: Int
    /// Whole days of the period, weeks counted as seven days.
    public let days: Int
    /// The text it was read from.
    public let description: String

    /// Parses `PnYnMnWnD` (at least one part, each a whole number, in that order, not all zero);
    /// nil otherwise. A time part (`T…`) is refused: retention is counted in days.
    public init?(_ text: String) {
        var rest = Substring(text)
        guard rest.first == "P", rest.count > 1 else { return nil }
        rest = rest.dropFirst()
        var values: [Character: Int] = [:]
        var order = Array("YMWD")
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 4, let value = Int(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = rest.first, let position = order.firstIndex(of: unit) else { return nil }
            values[unit] = value
            order.removeFirst(position + 1)
            rest = rest.dropFirst()
        }
        years = values["Y"] ?? 0
        months = values["M"] ?? 0
        days = (values["W"] ?? 0) * 7 + (values["D"] ?? 0)
        // Zero would delete what was just delivered: a typo, not a policy.
        guard years + months + days > 0 else { return nil }
        description = text
    }

    /// The moment this period before `now`: what is older is past its retention.
    public func cutoff(before now: Date) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Amsterdam")!
        let back = DateComponents(year: -years, month: -months, day: -days)
        return calendar.date(byAdding: back, to: now) ?? now
    }
}
