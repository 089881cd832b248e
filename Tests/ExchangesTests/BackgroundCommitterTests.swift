import Foundation
import KetenpoortCore
import Testing

@testable import Exchanges
@testable import Gateway

@Suite("Background committer")
struct BackgroundCommitterTests {
    struct Refused: Error {}

    @Test("work runs in the order given, on one thread beside the caller, all of it done by finish")
    func order() throws {
        let committer = BackgroundCommitter()
        let log = LockedValue<[Int]>([])
        for index in 0..<50 { try committer.submit { log.withLock { $0.append(index) } } }
        try committer.finish()
        #expect(log.withLock { $0 } == Array(0..<50))
    }

    @Test("the first failure stops what is queued behind it and is thrown to the caller")
    func failure() throws {
        let committer = BackgroundCommitter()
        let log = LockedValue<[Int]>([])
        let release = DispatchSemaphore(value: 0)
        try committer.submit { log.withLock { $0.append(1) } }
        try committer.submit {
            release.wait()
            throw Refused()
        }
        // Returns once the failing work runs (it holds) and this one waits behind it.
        try committer.submit { log.withLock { $0.append(3) } }
        release.signal()
        #expect(throws: Refused.self) { try committer.finish() }
        #expect(log.withLock { $0 } == [1])
        #expect(throws: Refused.self) { try committer.submit { log.withLock { $0.append(4) } } }
    }

    @Test("the thread inherits the caller's priority: batch work stays batch work")
    func inheritsPriority() throws {
        /// The calling thread's policy and nice value.
        @Sendable func priority() -> [Int] { [ThreadPriority.isCurrentThreadIdle ? 1 : 0, Int(ThreadPriority.currentNiceness)] }
        let own = priority()
        let seen = LockedValue<[[Int]]>([])
        let result = BatchWork.runAndWait {
            seen.withLock { $0.append(priority()) }
            let committer = BackgroundCommitter()
            try committer.submit { seen.withLock { $0.append(priority()) } }
            try committer.finish()
        }
        try result.get()
        let (batch, committer) = (seen.withLock { $0 }[0], seen.withLock { $0 }[1])
        #expect(committer == batch, "the committer runs as the batch thread that started it")
        switch BatchPolicy.current {
        case .idle: #expect(batch[0] == 1, "SCHED_IDLE")
        case .nice: #expect(batch[1] >= Int(ThreadPriority.batchNiceness))
        }
        // Only the batch work's own threads run lowered.
        #expect(priority() == own)
    }
}
