import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Instants as `timestamptz` text in the session's UTC and ISO style (`2026-11-30 18:44:00.123456+00`),
/// to the microsecond PostgreSQL keeps.
enum PostgresTime {
    /// `date` as timestamptz input, rounded to the microsecond.
    static func text(_ date: Date) -> String {
        var micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        micros %= 1_000_000
        if micros < 0 {
            micros += 1_000_000
            seconds -= 1
        }
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(micros)
        let padded = String(repeating: "0", count: 6 - fraction.count) + fraction
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday)) "
            + "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec)).\(padded)+00"
    }

    /// The instant of timestamptz output in UTC (`YYYY-MM-DD HH:MM:SS[.ffffff]+00`); nil when `text` is not that.
    static func date(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 22, bytes[4] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "), text.hasSuffix("+00") else { return nil }
        func number(_ range: Range<Int>) -> Int32? {
            var value: Int32 = 0
            for byte in bytes[range] {
                guard byte >= 48 && byte <= 57 else { return nil }
                value = value * 10 + Int32(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10), let hour = number(11..<13),
            let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        var micros: Int64 = 0
        let end = bytes.count - 3
        if end > 19 {
            guard bytes[19] == UInt8(ascii: "."), end - 20 <= 6, let fraction = number(20..<end) else { return nil }
            micros = Int64(fraction) * Int64(pow(10, Double(6 - (end - 20))))
        }
        let seconds = Int64(timegm(&parts))
        return Date(timeIntervalSince1970: Double(seconds * 1_000_000 + micros) / 1_000_000)
    }
}
