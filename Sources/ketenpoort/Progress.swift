import Foundation
import KetenpoortCore

/// How far a command's long work is, on standard error: on a terminal one line rewritten in place
/// (at most five times a second) and a line per finished phase; otherwise only that quiet,
/// parseable line per phase: `progress job=<job> phase=<phase> items=<n> seconds=<s>`.
final class Progress: WorkProgress, @unchecked Sendable {
    let job: String
    let isTerminal: Bool
    private let lock = NSLock()
    private var phaseStart = Date()
    private var lastShown = Date.distantPast
    /// The items of `advance` (one thread only).
    private var counted = 0

    init(_ job: String, isTerminal: Bool = isatty(STDERR_FILENO) == 1) {
        self.job = job
        self.isTerminal = isTerminal
    }

    func advanced(_ phase: String, items: Int) {
        guard isTerminal else { return }
        let now = Date()
        let line: String? = lock.withLock {
            guard now.timeIntervalSince(lastShown) >= 0.2 else { return nil }
            lastShown = now
            let rate = Double(items) / max(now.timeIntervalSince(phaseStart), 0.001)
            return "\r\u{1B}[K\(job) \(phase): \(items) (\(Int(rate))/s)"
        }
        if let line { FileHandle.standardError.write(Data(line.utf8)) }
    }

    func finished(_ phase: String, items: Int) {
        let now = Date()
        let seconds = lock.withLock {
            defer {
                phaseStart = now
                lastShown = .distantPast
            }
            return now.timeIntervalSince(phaseStart)
        }
        let shown = String(format: "%.2f", seconds)
        let line =
            isTerminal
            ? "\r\u{1B}[K\(job) \(phase): \(items) in \(shown) s\n" : "progress job=\(job) phase=\(phase) items=\(items) seconds=\(shown)\n"
        FileHandle.standardError.write(Data(line.utf8))
    }

    /// Counts `n` more items of the one phase of a simple command (translate, validate), from the
    /// one thread that reads them (no lock: it is called per item).
    func advance(_ n: Int) {
        counted += n
        if counted % WorkProgressReport.every < n { advanced("items", items: counted) }
    }

    /// Ends the one phase of a simple command; quiet for small inputs.
    func finish() {
        if counted >= 50_000 { finished("items", items: counted) }
    }
}
