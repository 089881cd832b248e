import Testing

@testable import Exchanges

/// The merge's decisions, two bits per snapshot line: looked up by a staged row's key.
@Suite("Sync decisions")
struct SyncDecisionsTests {
    @Test("a row is found sent, as a wijziging or a nieuw, by its key; others are not; a line decided again counts once, the last kind kept")
    func lookedUpByKey() {
        var decisions = SyncStaging.Decisions()
        let numbers = GemeenteNumbers(registered: ["0014", "0363"])
        let (a, b, c) = (numbers.key("0363", line: 1), numbers.key("0014", line: 64), numbers.key("0363", line: 1_000_000))
        decisions.add(rowid: a, isChange: true)
        decisions.add(rowid: b, isChange: false)
        decisions.add(rowid: c, isChange: false)
        decisions.add(rowid: c, isChange: true)
        #expect(decisions.count == 3)
        #expect(decisions.isChange(a) == true)
        #expect(decisions.isChange(b) == false)
        #expect(decisions.isChange(c) == true)
        for line in [0, 2, 63, 65, 999_999, 1_000_001, 5_000_000] {
            #expect(decisions.isChange(numbers.key("0363", line: line)) == nil, "line \(line)")
        }
    }
}
