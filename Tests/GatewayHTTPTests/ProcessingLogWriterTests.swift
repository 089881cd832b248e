import Foundation
import KetenpoortCore
import KetenpoortTesting
import Store
import Testing

@testable import GatewayHTTP

/// How the IND's answers commit their processing-log entries: one commit at a time, on the writer's
/// thread, at most one per commit interval; what arrives meanwhile goes together in the next one.
@Suite("Processing-log writer")
struct ProcessingLogWriterTests {
    /// A log that records each commit, can hold the next one until released, and can fail.
    final class RecordingLog: ProcessingLog, @unchecked Sendable {
        private let lock = NSLock()
        private var commits: [[String]] = []
        private var holdNext = false
        private let held = DispatchSemaphore(value: 0)
        private let release = DispatchSemaphore(value: 0)
        var failNext = false

        /// The next commit signals when it starts and then waits for `releaseHeld()`.
        func holdNextCommit() { lock.withLock { holdNext = true } }
        func waitUntilHeld() { held.wait() }
        func releaseHeld() { release.signal() }
        var committed: [[String]] { lock.withLock { commits } }

        func append(_ entries: [ProcessingLogEntry]) throws {
            let (hold, fail) = lock.withLock { () -> (Bool, Bool) in
                defer { (holdNext, failNext) = (false, false) }
                return (holdNext, failNext)
            }
            if hold {
                held.signal()
                release.wait()
            }
            if fail { throw KetenpoortError(.storeUnavailable, "disk full") }
            lock.withLock { commits.append(entries.map(\.traceID)) }
        }

        func processings(subject: String) throws -> [ProcessingLogEntry] { [] }
        func processings(subject: String) async throws -> [ProcessingLogEntry] { [] }
        func checkWritable() throws {}
    }

    static func entry(_ trace: String) -> ProcessingLogEntry {
        ProcessingLogEntry(
            traceID: trace, spanID: "s", parentSpanID: nil, activity: "statusvraag", callerOIN: "00000001003214345000", purpose: "naturalisatie",
            caseNumber: nil, subject: "p", outcome: "bekend", at: Date(timeIntervalSince1970: 1_795_000_000))
    }

    @Test("answers that arrive during a commit are committed together once it ends, each returning only after its own commit")
    func contendedAnswersGroupAfterTheCommit() async throws {
        let log = RecordingLog()
        let writer = ProcessingLogWriter(log: log)
        defer { writer.stop() }
        log.holdNextCommit()
        let first = Task { try await writer.append([Self.entry("first")]) }
        try await OwnThread.run { log.waitUntilHeld() }
        let others = (1...3).map { index in Task { try await writer.append([Self.entry("other-\(index)")]) } }
        #expect(try await eventually { writer.waitingCount == 3 }, "the three wait for the commit under way")
        #expect(log.committed.isEmpty, "nothing is committed while the first commit is held")
        log.releaseHeld()
        try await first.value
        for other in others { try await other.value }
        #expect(log.committed.count == 2)
        #expect(log.committed.first == ["first"])
        #expect(Set(log.committed.last ?? []) == ["other-1", "other-2", "other-3"])
        #expect(writer.largestCommitGroup == 3)
    }

    @Test("under load commits are paced: after a commit of several answers, the next waits out the interval; one answer at a time is not held")
    func commitsArePacedUnderLoad() async throws {
        let log = RecordingLog()
        let writer = ProcessingLogWriter(log: log, commitInterval: .seconds(3_600))
        // Ends whatever still waits out the hour when an expectation below fails.
        defer { writer.stop() }
        try await writer.append([Self.entry("alone-1")])
        _ = Task { try await writer.append([Self.entry("alone-2")]) }
        try #require(
            try await eventually { log.committed == [["alone-1"], ["alone-2"]] }, "one answer at a time: each committed at once")
        // Two answers arrive while a commit is under way: the next commit holds both.
        log.holdNextCommit()
        let first = Task { try await writer.append([Self.entry("first")]) }
        try await OwnThread.run { log.waitUntilHeld() }
        let pair = (1...2).map { index in Task { try await writer.append([Self.entry("pair-\(index)")]) } }
        #expect(try await eventually { writer.waitingCount == 2 })
        log.releaseHeld()
        try await first.value
        for answer in pair { try await answer.value }
        #expect(log.committed.count == 4)
        // Answers came faster than commits ended: the next commit waits for the interval.
        let later = (1...2).map { index in Task { try await writer.append([Self.entry("later-\(index)")]) } }
        #expect(try await eventually { writer.waitingCount == 2 }, "both wait for the interval to pass")
        #expect(log.committed.count == 4)
        // A graceful shutdown does not wait out the interval: what is waiting is committed now.
        writer.stop()
        for answer in later { try await answer.value }
        #expect(log.committed.count == 5)
        #expect(Set(log.committed.last ?? []) == ["later-1", "later-2"])
    }

    @Test("a failed commit fails its answer (fail closed); the next answer commits again; a stopped writer refuses")
    func failedCommitFailsClosed() async throws {
        let log = RecordingLog()
        let writer = ProcessingLogWriter(log: log)
        log.failNext = true
        await #expect(throws: KetenpoortError.self) { try await writer.append([Self.entry("lost")]) }
        try await writer.append([Self.entry("kept")])
        #expect(log.committed == [["kept"]])
        writer.stop()
        await #expect(throws: KetenpoortError.self) { try await writer.append([Self.entry("late")]) }
    }
}
