import Foundation
import Logging

/// Every line a `Logger` writes, kept in memory (message and metadata), for tests that check what
/// was logged and that no personal data was.
///
/// `@unchecked Sendable`: `lines` is only touched while `lock` is held.
public final class CapturedLog: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    public init() {}

    /// A logger at `level` writing into this capture.
    public func logger(_ label: String, level: Logger.Level = .debug) -> Logger {
        var logger = Logger(label: label) { [self] label in Handler(label: label, log: self) }
        logger.logLevel = level
        return logger
    }

    public var all: [String] {
        lock.lock()
        defer { lock.unlock() }
        return lines
    }

    public func append(_ line: String) {
        lock.lock()
        lines.append(line)
        lock.unlock()
    }

    private struct Handler: LogHandler {
        let label: String
        let log: CapturedLog
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let all = metadata.merging(event.metadata ?? [:]) { $1 }
            log.append(
                "\(event.level) \(label): \(event.message) " + all.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
        }
    }
}
