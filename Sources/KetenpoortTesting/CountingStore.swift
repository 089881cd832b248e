import Foundation
import Store
import StoreSQLite

/// A SQLite store that counts its write transactions (to see how writes were grouped).
final class CountingStore: Store, @unchecked Sendable {
    let inner: SQLiteStore
    private let lock = NSLock()
    private var count = 0

    init(_ inner: SQLiteStore) { self.inner = inner }

    var writes: Int { lock.withLock { count } }

    func write<T>(_ body: (any StoreTransaction) throws -> T) throws -> T {
        lock.withLock { count += 1 }
        return try inner.write(body)
    }

    func read<T>(_ body: (any StoreTransaction) throws -> T) throws -> T { try inner.read(body) }
    var processingLog: any ProcessingLog { inner.processingLog }
    var duoStatus: any DuoStatusStore { inner.duoStatus }
}
