import Foundation

/// The source of "now" for rules such as not-in-the-future; injected so tests can fix it.
public protocol WallClock: Sendable {
    /// The current instant.
    func now() -> Date
}

/// The system clock.
public struct SystemWallClock: WallClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock standing still at one instant (tests, replays).
public struct FixedWallClock: WallClock {
    public let instant: Date
    public init(_ instant: Date) { self.instant = instant }
    public func now() -> Date { instant }
}

extension CalendarDate {
    /// The calendar day of `instant` in Europe/Amsterdam.
    public init(instant: Date, timeZone: TimeZone = .amsterdam) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: instant)
        self = CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}

extension TimeZone {
    /// The zone the partners' dates are in.
    public static let amsterdam = TimeZone(identifier: "Europe/Amsterdam")!
}
