import Foundation
import KetenpoortCore
import Store

/// The store as a scheduled job under `lease` sees it: every write first checks that the lease is
/// still held under its epoch (`checkFence`), in the write's own transaction, so a node that paused
/// past its lease — another node took the job over — writes nothing (`store.lease-lost`). Reads,
/// the processing log and the DUO status store pass through: an extract is applied only when it
/// follows the last applied one, checked in the status store's own write transaction (serialised
/// across nodes), so a stale node's apply of the same extract finds it applied and writes nothing.
public struct FencedStore: Store {
    public let inner: any Store
    public let lease: Lease

    public init(_ inner: any Store, lease: Lease) {
        self.inner = inner
        self.lease = lease
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async write")
    public func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try inner.write { tx in
            try tx.checkFence(lease)
            return try body(tx)
        }
    }

    @available(*, noasync, message: "blocks the calling thread")
    public func writeUnflushed<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try inner.writeUnflushed { tx in
            try tx.checkFence(lease)
            return try body(tx)
        }
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async read")
    public func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try inner.read(body) }

    public func write<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let lease = self.lease
        return try await inner.write { tx in
            try tx.checkFence(lease)
            return try body(tx)
        }
    }

    public func read<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await inner.read(body)
    }

    @available(*, noasync, message: "blocks the calling thread: from async code, use the async renewal")
    public func renewal<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        try inner.renewal { tx in
            try tx.checkFence(lease)
            return try body(tx)
        }
    }

    public func renewal<T: Sendable>(_ body: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        let lease = self.lease
        return try await inner.renewal { tx in
            try tx.checkFence(lease)
            return try body(tx)
        }
    }

    public var processingLog: any ProcessingLog { inner.processingLog }
    public var duoStatus: any DuoStatusStore { inner.duoStatus }
}
