import Foundation
import KetenpoortCore

/// Parses ISO 8601 / RFC 3339 timestamps with a zone: `2026-11-19T10:02:00+01:00`, `…Z`, with
/// optional fractional seconds.
public enum TimestampParser {
    /// The instant `text` names; nil unless it is `yyyy-mm-ddThh:mm:ss`, optionally `.` and fraction digits,
    /// then `Z` or `±hh:mm`, with a real calendar date (`T` and `Z` may be lower case).
    public static func parse(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 45, b[7] == 45, b[10] == 84 || b[10] == 116, b[13] == 58, b[16] == 58 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let mo = num(5..<7), let d = num(8..<10), let h = num(11..<13), let mi = num(14..<16), let s = num(17..<19),
            h < 24, mi < 60, s < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                fraction += Double(b[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == 90 || b[i] == 122 {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 43 || b[i] == 45 {
            guard i + 6 == b.count, b[i + 3] == 58, let oh = num((i + 1)..<(i + 3)), let om = num((i + 4)..<(i + 6)), oh < 24, om < 60 else {
                return nil
            }
            offset = (oh * 60 + om) * 60 * (b[i] == 43 ? 1 : -1)
        } else {
            return nil
        }
        guard let date = CalendarDateBridge.days(year: y, month: mo, day: d) else { return nil }
        let seconds = Double(date) * 86400 + Double(h * 3600 + mi * 60 + s) + fraction - Double(offset)
        return Date(timeIntervalSince1970: seconds)
    }
}

enum CalendarDateBridge {
    static func days(year: Int, month: Int, day: Int) -> Int? {
        CalendarDate(year: year, month: month, day: day)?.daysSinceEpoch
    }
}
