import Foundation

/// A one-way barrier: `wait()` returns once `open()` has been called (at once after that). A
/// receiver's fault hook waits on one to hold a request until the test lets it go.
///
/// `@unchecked Sendable`: `isOpen` and `waiters` are only touched while `lock` is held.
public final class Gate: @unchecked Sendable {
    private let lock = NSLock()
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    /// Returns once the gate is open.
    public func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            lock.lock()
            if isOpen {
                lock.unlock()
                continuation.resume()
            } else {
                waiters.append(continuation)
                lock.unlock()
            }
        }
    }

    /// Opens the gate: every waiter goes on, and later ones do not wait.
    public func open() {
        lock.lock()
        isOpen = true
        let released = waiters
        waiters = []
        lock.unlock()
        released.forEach { $0.resume() }
    }
}
