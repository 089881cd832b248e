import Foundation

/// Shows progress on a terminal (standard error), and nothing when output is piped.
final class Progress {
    let label: String
    let isTerminal = isatty(STDERR_FILENO) == 1
    var count = 0
    var nextReport = 50_000
    let start = Date()

    init(_ label: String) { self.label = label }

    func advance(_ n: Int) {
        count += n
        guard isTerminal, count >= nextReport else { return }
        nextReport += 50_000
        let rate = Double(count) / max(Date().timeIntervalSince(start), 0.001)
        FileHandle.standardError.write(Data("\r\(label): \(count) items (\(Int(rate))/s)".utf8))
    }

    func finish() {
        if isTerminal && count >= 50_000 { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
