/// Waits for a state: checks `condition` every 20 ms until it holds or `limit` has passed, and
/// says whether it came to hold. The limit is only for a test that fails: one that passes waits
/// no longer than the state takes to come.
func eventually(within limit: Duration = .seconds(60), _ condition: () throws -> Bool) async throws -> Bool {
    let clock = ContinuousClock()
    let deadline = clock.now + limit
    while clock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
