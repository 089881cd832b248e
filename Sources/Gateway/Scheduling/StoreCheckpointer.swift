import Foundation
import Logging
import ServiceLifecycle
import Store
import StoreSQLite

/// Part of `ketenpoort run`: copies the store's write-ahead log into the database every
/// `interval` on a connection of its own, so no commit — and no API answer waiting on one — pays
/// for it. The last copy is made at shutdown. Only the SQLite engine has a log to copy: a server
/// engine (PostgreSQL) checkpoints itself.
///
/// Small and often: a checkpoint ends with an fsync of the pages it copied, and on a disk with a
/// volatile write cache every fsync is a flush of the device that the processing log's next commit
/// (also an fsync) queues behind. Every second, a night of 1,000,000 copied tens of megabytes at a
/// time and the IND's answers beside it waited up to 311–345 ms (p99 103–117 ms); every 30 ms,
/// max 52 ms (p99 12 ms), the night no slower (bench-api --during-sync, 2026-12-02).
///
/// The processing log itself is copied only every `processingLogInterval`: it grows by one small
/// commit per answer, its writer bounds it (`SQLiteProcessingLog.logLimit`), and copying it every
/// 30 ms was 33 more device flushes a second for the answers' commits to queue behind. At a fixed
/// 1,000 answers/s, p99 over 16 windows of 10 s: median 5.5 ms copying it every 30 ms, 3.8 ms
/// every second, 4.0 ms leaving it to its writer (interleaved runs, 2026-12-03).
public struct StoreCheckpointer: Service {
    let store: SQLiteStore
    let interval: Duration
    let processingLogInterval: Duration
    let logger = Logger(label: "ketenpoort.store")

    /// nil for an engine that checkpoints itself.
    public init?(store: any Store, interval: Duration = .milliseconds(30), processingLogInterval: Duration = .seconds(1)) throws {
        guard let store = store as? SQLiteStore else { return nil }
        try store.takeOverCheckpoints()
        self.store = store
        self.interval = interval
        self.processingLogInterval = processingLogInterval
    }

    public func run() async throws {
        var logCopied = ContinuousClock.now
        await repeatEvery(interval) {
            let now = ContinuousClock.now
            // The last copy, at shutdown, takes the processing log too.
            let withLog = now - logCopied >= processingLogInterval || Task.isShuttingDownGracefully || Task.isCancelled
            if withLog { logCopied = now }
            await checkpoint(includingProcessingLog: withLog)
        }
    }

    private func checkpoint(includingProcessingLog: Bool) async {
        do {
            // Batch work: a night's checkpoints copy hundreds of megabytes.
            try await BatchWork.run { [store] in try store.checkpoint(includingProcessingLog: includingProcessingLog) }
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
