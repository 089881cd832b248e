import Foundation
import KetenpoortCore
import Store

/// A store that counts its write transactions (to see how writes were grouped) and its renewals,
/// notes for each blocking write or renewal whether its thread ran below normal priority, and can
/// hold its blocking reads (as a store whose connections a night's long transactions keep busy).
public final class CountingStore: Store, @unchecked Sendable {
    public let inner: any Store
    private let lock = NSLock()
    private var count = 0
    private var lowered: [Bool] = []
    private var renewalCount = 0
    private let readsReleased = NSCondition()
    private var readsAreHeld = false
    private var readsHeldNow = 0

    public init(_ inner: any Store) { self.inner = inner }

    /// The write transactions so far, blocking and async.
    public var writes: Int { lock.withLock { count } }

    /// The renewals so far (`renewal`), blocking and async; not counted in `writes`.
    public var renewals: Int { lock.withLock { renewalCount } }

    /// For each blocking write or renewal so far, in order: whether its thread ran lowered (batch priority).
    public var blockingWritesLowered: [Bool] { lock.withLock { lowered } }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async write")
    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        noteBlocking { $0.count += 1 }
        return try inner.write(body)
    }

    /// From now on each blocking read waits until `releaseReads()`.
    public func holdReads() {
        readsReleased.withLock { readsAreHeld = true }
    }

    /// Lets the held blocking reads go on, and the later ones run at once.
    public func releaseReads() {
        readsReleased.withLock {
            readsAreHeld = false
            readsReleased.broadcast()
        }
    }

    /// The blocking reads waiting now for `releaseReads()`.
    public var readsWaiting: Int { readsReleased.withLock { readsHeldNow } }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        readsReleased.withLock {
            readsHeldNow += 1
            while readsAreHeld { readsReleased.wait() }
            readsHeldNow -= 1
        }
        return try inner.read(body)
    }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        lock.withLock { count += 1 }
        return try await inner.write(body)
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await inner.read(body)
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async renewal")
    public func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        noteBlocking { $0.renewalCount += 1 }
        return try inner.renewal(body)
    }

    public func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        lock.withLock { renewalCount += 1 }
        return try await inner.renewal(body)
    }

    /// Counts a blocking write or renewal (`count`) and notes its thread's priority.
    private func noteBlocking(_ count: (CountingStore) -> Void) {
        let isLowered = ThreadPriority.isCurrentThreadLowered
        lock.withLock {
            count(self)
            lowered.append(isLowered)
        }
    }

    public var processingLog: any ProcessingLog { inner.processingLog }
    public var duoStatus: any DuoStatusStore { inner.duoStatus }
}
