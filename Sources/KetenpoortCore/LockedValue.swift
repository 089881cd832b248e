import Foundation

/// A value behind a lock, for state shared between worker threads and async code.
///
/// `@unchecked Sendable`: every access to `value` goes through `lock`, so no two threads touch it at once.
/// (`Synchronization.Mutex` would do, but it needs macOS 15 and the package still builds for macOS 14.)
public final class LockedValue<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
