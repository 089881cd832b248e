import Foundation
import Logging
import ServiceLifecycle
import Store
import StoreSQLite

/// Part of `ketenpoort run`: copies the store's write-ahead log into the database every
/// `interval` on a connection of its own, so no commit — and no API answer waiting on one — pays
/// for it. The last copy is made at shutdown. Only the SQLite engine has a log to copy: a server
/// engine (PostgreSQL) checkpoints itself.
public struct StoreCheckpointer: Service {
    let store: SQLiteStore
    let interval: Duration
    let logger = Logger(label: "ketenpoort.store")

    /// nil for an engine that checkpoints itself.
    public init?(store: any Store, interval: Duration = .seconds(1)) throws {
        guard let store = store as? SQLiteStore else { return nil }
        try store.takeOverCheckpoints()
        self.store = store
        self.interval = interval
    }

    public func run() async throws {
        await repeatEvery(interval, checkpoint)
    }

    private func checkpoint() async {
        do {
            // Batch work: a night's checkpoints copy hundreds of megabytes.
            try await BatchWork.run { [store] in try store.checkpoint() }
        } catch {
            logger.warning("checkpoint failed; the write-ahead log grows until the next one", metadata: ["error": "\(error)"])
        }
    }
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension StoreCheckpointer: CustomStringConvertible {
    public var description: String { "StoreCheckpointer" }
}
