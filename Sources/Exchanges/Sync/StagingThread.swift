import Foundation
import KetenpoortCore

/// One step of a night's staging on a thread of its own (named for `top` and profilers); `wait`
/// blocks until it has ended and gives its result. The thread inherits its starter's priority.
final class StagingThread<Value>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var result: Result<Value, any Error>?

    init(name: String, _ body: @escaping @Sendable () throws -> Value) {
        let thread = Thread { [self] in
            ThreadName.setCurrent(name)
            result = Result { try body() }
            done.signal()
        }
        thread.start()
    }

    /// Waits for the thread to end; may be called again (each call passes the signal on).
    func wait() -> Result<Value, any Error> {
        done.wait()
        defer { done.signal() }
        return result!
    }
}
