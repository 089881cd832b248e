import KetenpoortCore
import Store

/// A store whose first transactions (reads or writes; `failing` of them) fail, as on a database that
/// restarts or gives up a transaction.
public struct FailingStore: Store {
    public let inner: any Store
    /// Transactions left to fail.
    public let failures: LockedValue<Int>

    public struct Unavailable: Error {}

    public init(_ inner: any Store, failing count: Int = 1) {
        self.inner = inner
        failures = LockedValue(count)
    }

    @available(*, noasync)
    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try failOnce()
        return try inner.write(body)
    }
    @available(*, noasync)
    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try failOnce()
        return try inner.read(body)
    }
    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try failOnce()
        return try await inner.write(body)
    }
    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try failOnce()
        return try await inner.read(body)
    }
    @available(*, noasync)
    public func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try failOnce()
        return try inner.renewal(body)
    }
    public func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try failOnce()
        return try await inner.renewal(body)
    }
    private func failOnce() throws {
        let fail = failures.withLock { left in
            defer { left = max(0, left - 1) }
            return left > 0
        }
        if fail { throw Unavailable() }
    }
    public var processingLog: any ProcessingLog { inner.processingLog }
    public var duoStatus: any DuoStatusStore { inner.duoStatus }
}
