import Foundation
import Testing

@testable import Flows

@Suite("Background committer")
struct BackgroundCommitterTests {
    struct Refused: Error {}

    /// The order in which work ran, kept across threads.
    final class Log: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [Int] = []
        func add(_ entry: Int) { lock.withLock { entries.append(entry) } }
        var all: [Int] { lock.withLock { entries } }
    }

    @Test("work runs in the order given, on one thread beside the caller, all of it done by finish")
    func order() throws {
        let committer = BackgroundCommitter()
        let log = Log()
        for index in 0..<50 { try committer.submit { log.add(index) } }
        try committer.finish()
        #expect(log.all == Array(0..<50))
    }

    @Test("the first failure stops what follows and is thrown to the caller")
    func failure() throws {
        let committer = BackgroundCommitter()
        let log = Log()
        let failed = DispatchSemaphore(value: 0)
        try committer.submit { log.add(1) }
        try committer.submit {
            defer { failed.signal() }
            throw Refused()
        }
        failed.wait()
        // Queued behind the failure, or refused at submit: it never runs.
        _ = try? committer.submit { log.add(3) }
        #expect(throws: Refused.self) { try committer.finish() }
        #expect(log.all == [1])
    }

    @Test("the thread inherits the caller's priority: batch work stays batch work")
    func inheritsPriority() throws {
        let which = __priority_which_t(PRIO_PROCESS.rawValue)
        let own = getpriority(which, 0)
        let seen = Log()
        let result = BatchWork.runAndWait {
            let committer = BackgroundCommitter()
            try committer.submit { seen.add(Int(getpriority(which, 0))) }
            try committer.finish()
        }
        try result.get()
        #expect(seen.all == [Int(max(own, BatchWork.niceness))])
        // Only the batch work's own threads run lowered.
        #expect(getpriority(which, 0) == own)
    }
}
