import Foundation
import Gateway
import KetenpoortCore
import Logging
import ServiceLifecycle
import Store

/// Commits the processing-log entries of many concurrent requests on one thread of its own,
/// whatever is waiting in one commit (one fsync for many requests), and lets each request wait for
/// the commit that holds its entries. A failed commit fails every request in it (fail closed).
///
/// The log never shares a write lock with batch work (see `ProcessingLog`), so an answer waits for
/// at most one group commit of the log, whatever the nightly sync or an ingest is doing. Blocking
/// SQLite work stays off the Swift cooperative pool. Run it as a `Service`: a graceful shutdown
/// commits what is waiting.
///
/// Under load commits are paced: after a commit that held more than one answer (answers come
/// faster than commits end), the next one starts `commitInterval` after it started, and the answers
/// that came meanwhile share it. Each commit is an fdatasync, which on a VM costs more CPU than
/// everything else an answer does in the log (the device's notification is a VM exit, its
/// completion an interrupt); at thousands of answers a second, unpaced commits held one to three
/// answers each and took a sixth of the gateway's CPU. At a moderate rate, where a commit holds one
/// answer, none waits: pacing every commit put half a millisecond on the median answer at 1,000/s.
///
/// `@unchecked Sendable`: `waiting`, `isPacing` and `isStopped` are only touched while `condition` is locked.
public final class ProcessingLogWriter: Service, @unchecked Sendable {
    private struct Waiting {
        let entries: [ProcessingLogEntry]
        let done: CheckedContinuation<Void, any Error>
    }

    private let log: any ProcessingLog
    private let condition = NSCondition()
    private var waiting: [Waiting] = []
    private var isStopped = false
    /// Whether the writer waits out the commit interval (an append need not wake it).
    private var isPacing = false
    /// Under load, the least time from one commit's start to the next one's.
    let commitInterval: Duration
    /// The most requests committed together (for the benchmark's report).
    private var largestGroup = 0
    /// A commit slower than this is logged: every answer in it waited that long.
    private static let slowCommit: Duration = .milliseconds(10)
    private let logger = Logger(label: "ketenpoort.processing-log")

    public init(log: any ProcessingLog, commitInterval: Duration = .milliseconds(1)) {
        self.log = log
        self.commitInterval = commitInterval
        let thread = Thread { [self] in
            ThreadName.setCurrent("kp-proc-log")
            self.work()
        }
        thread.start()
    }

    /// Appends `entries` in the next commit and returns once that commit is durable; throws when it failed.
    public func append(_ entries: [ProcessingLogEntry]) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            condition.lock()
            guard !isStopped else {
                condition.unlock()
                done.resume(throwing: KetenpoortError(.storeUnavailable, "the processing-log writer has stopped"))
                return
            }
            waiting.append(Waiting(entries: entries, done: done))
            if !isPacing { condition.signal() }
            condition.unlock()
        }
    }

    /// Waits for a graceful shutdown, then commits what is waiting and stops.
    public func run() async throws {
        try? await gracefulShutdown()
        stop()
    }

    /// Refuses new entries; those already waiting are still committed.
    public func stop() {
        condition.lock()
        isStopped = true
        condition.broadcast()
        condition.unlock()
    }

    /// The requests waiting for the next commit (for tests).
    var waitingCount: Int {
        condition.lock()
        defer { condition.unlock() }
        return waiting.count
    }

    /// The most requests one commit has held so far.
    public var largestCommitGroup: Int {
        condition.lock()
        defer { condition.unlock() }
        return largestGroup
    }

    private func work() {
        // The last commit's start, when it held more than one answer: the answers come faster
        // than commits end, and the next one is paced.
        var lastStart: ContinuousClock.Instant?
        while true {
            condition.lock()
            while waiting.isEmpty && !isStopped { condition.wait() }
            if waiting.isEmpty {
                condition.unlock()
                return
            }
            if let lastStart {
                isPacing = true
                while !isStopped {
                    let left = commitInterval - (ContinuousClock.now - lastStart)
                    guard left > .zero else { break }
                    _ = condition.wait(until: Date(timeIntervalSinceNow: Double(left / .nanoseconds(1)) / 1e9))
                }
                isPacing = false
            }
            let started = ContinuousClock.now
            let group = waiting
            lastStart = group.count > 1 ? started : nil
            waiting.removeAll(keepingCapacity: true)
            largestGroup = max(largestGroup, group.count)
            condition.unlock()
            do {
                let entries = group.flatMap(\.entries)
                try log.append(entries)
                let took = ContinuousClock.now - started
                Telemetry.processingLogCommit(took, entries: entries.count)
                if took > Self.slowCommit {
                    logger.notice(
                        "slow processing-log commit",
                        metadata: [
                            "ms": "\(took.components.attoseconds / 1_000_000_000_000_000 + took.components.seconds * 1000)",
                            "answers": "\(group.count)",
                        ])
                }
                for item in group { item.done.resume() }
            } catch {
                for item in group { item.done.resume(throwing: error) }
            }
        }
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension ProcessingLogWriter: CustomStringConvertible {
    public var description: String { "ProcessingLogWriter" }
}
