import Foundation
import KetenpoortCore
import Store

/// Lines of the consent feed (formats.md §7) for tests.
struct ConsentLine: Sendable {
    var id: String
    var bsn: String
    var purpose: String
    var recipient: String
    var givenAt: Date
    var validUntil: Date? = nil
    var withdrawnAt: Date? = nil
    var channel = "digitaal"

    var json: String {
        func stamp(_ date: Date?) -> String { date.map { "\"\(ConsentLine.stamp($0))\"" } ?? "null" }
        return """
            {"toestemmingId":"\(id)","bsn":"\(bsn)","doel":"\(purpose)","ontvanger":"\(recipient)","gegevenOp":\(stamp(givenAt)),"kanaal":"\(channel)","geldigTot":\(stamp(validUntil)),"ingetrokkenOp":\(stamp(withdrawnAt))}
            """
    }

    /// §7 read directly: given at or before t, not withdrawn at t, not expired at t.
    func isValid(at moment: Date) -> Bool {
        givenAt <= moment && (withdrawnAt == nil || withdrawnAt! > moment) && (validUntil == nil || validUntil! > moment)
    }

    static func stamp(_ date: Date) -> String {
        Date.ISO8601FormatStyle(timeZone: .gmt).format(date)
    }

    static func file(_ lines: [ConsentLine]) -> String { lines.map(\.json).joined(separator: "\n") + "\n" }

    /// The answer formats.md §7 gives, from the lines received by `asKnownAt` in order (a later line
    /// with the same id supersedes an earlier one; a line repeating an earlier one is a replay).
    static func expected(
        _ history: [(line: ConsentLine, receivedAt: Date)], bsn: String, purpose: String, recipient: String, at moment: Date, asKnownAt: Date? = nil
    ) -> Bool {
        var latest: [String: ConsentLine] = [:]
        var seen = Set<String>()
        for (line, receivedAt) in history where asKnownAt == nil || receivedAt <= asKnownAt! {
            var terms = line
            terms.recipient = line.recipient.uppercased()
            if seen.insert(terms.json).inserted { latest[line.id] = line }
        }
        return latest.values.contains { $0.bsn == bsn && $0.purpose == purpose && $0.recipient.uppercased() == recipient && $0.isValid(at: moment) }
    }
}

/// Instants for consent tests.
enum ConsentTime {
    /// 2026-11-01T00:00:00Z.
    static let base = Date(timeIntervalSince1970: Double(CalendarDate(year: 2026, month: 11, day: 1)!.daysSinceEpoch) * 86400)
    static func at(days: Double, hours: Double = 0) -> Date { base.addingTimeInterval(days * 86400 + hours * 3600) }
}

/// Valid BSNs (11-test) for test subjects: those of the Argonaut sample.
enum Subjects {
    static let bsns = ["282295215", "580552676", "132872481", "602847709", "407582873", "269372957", "639873200", "546770915"]
}
