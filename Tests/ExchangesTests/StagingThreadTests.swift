import Foundation
import Testing

@testable import Exchanges

/// A staging step's thread: its result, or its error, for every caller that waits for it.
@Suite("Staging thread")
struct StagingThreadTests {
    struct Failed: Error, Equatable {}

    /// `thread`'s result as a second wait gives it, on a thread of its own: nil when that wait
    /// has not returned within 30 s (a wait that blocks for good fails the test, not the run).
    private func waitedAgain<Value: Sendable>(_ thread: StagingThread<Value>) -> Result<Value, any Error>? {
        let returned = DispatchSemaphore(value: 0)
        let box = ResultBox<Value>()
        Thread {
            box.result = thread.wait()
            returned.signal()
        }.start()
        return returned.wait(timeout: .now() + 30) == .success ? box.result : nil
    }

    private final class ResultBox<Value>: @unchecked Sendable {
        var result: Result<Value, any Error>?
    }

    @Test("waiting twice gives the same result (the writer waits for the encoder again when it fails after it)")
    func waitsAgain() throws {
        let thread = StagingThread(name: "kp-test-stage") { 42 }
        #expect(try thread.wait().get() == 42)
        let again = try #require(waitedAgain(thread), "a second wait returned")
        #expect(try again.get() == 42)
    }

    @Test("an error thrown on the thread is what each wait gives")
    func givesTheError() throws {
        let thread = StagingThread<Int>(name: "kp-test-stage") { throw Failed() }
        #expect(throws: Failed.self) { try thread.wait().get() }
        let again = try #require(waitedAgain(thread), "a second wait returned")
        #expect(throws: Failed.self) { try again.get() }
    }
}
