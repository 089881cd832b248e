import Testing

@testable import Exchanges

/// The merge's decisions, two bits per snapshot line: looked up by a staged row's line.
@Suite("Sync decisions")
struct SyncDecisionsTests {
    @Test("a row is found sent, as a wijziging or a nieuw, by its line; others are not; a line decided again counts once, the last kind kept")
    func lookedUpByLine() {
        var decisions = SyncStaging.Decisions()
        let (a, b, c) = (1, 64, 1_000_000)
        decisions.add(line: a, isChange: true)
        decisions.add(line: b, isChange: false)
        decisions.add(line: c, isChange: false)
        decisions.add(line: c, isChange: true)
        #expect(decisions.count == 3)
        #expect(decisions.isChange(line: a) == true)
        #expect(decisions.isChange(line: b) == false)
        #expect(decisions.isChange(line: c) == true)
        for line in [0, 2, 63, 65, 999_999, 1_000_001, 5_000_000] {
            #expect(decisions.isChange(line: line) == nil, "line \(line)")
        }
    }
}
