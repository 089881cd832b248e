import Foundation

/// One `Process.run()` at a time in the test process. The suite starts programs from many threads
/// at once (CLI runs, Python tools, servers), and a fresh-clone `make test` once ended in a
/// segmentation fault inside Foundation's `Process.run()` (a `memmove` in the launch) while other
/// threads were launching theirs; launching is a few milliseconds, so taking turns costs nothing.
private let launching = NSLock()

extension Process {
    /// `run()`, while no other thread of this process launches one.
    public func runTakingTurns() throws {
        try launching.withLock { try run() }
    }
}
