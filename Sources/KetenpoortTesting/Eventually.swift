/// Waits for a state: checks `condition` every 20 ms until it holds or `limit` worth of checks
/// has passed, and says whether it came to hold. The limit is only for a test that fails: one that
/// passes waits no longer than the state takes to come. It counts checks, not the clock: when the
/// parallel suite keeps every cooperative thread busy for a while, the work the test waits for is
/// held up as long as this loop is, and a clock-based limit would run out without one more check
/// after that work could run.
public func eventually(within limit: Duration = .seconds(60), _ condition: () throws -> Bool) async throws -> Bool {
    let interval = Duration.milliseconds(20)
    let checks = max(1, Int(limit / interval))
    for _ in 0..<checks {
        if try condition() { return true }
        try await Task.sleep(for: interval)
    }
    return try condition()
}
