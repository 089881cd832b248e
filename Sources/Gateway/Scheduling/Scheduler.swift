import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle
import Store

/// Runs jobs on cron schedules (Europe/Amsterdam wall clock). Each schedule has one loop, so the
/// same schedule never runs twice at once; a run missed while the gateway was down is caught up
/// once at start. Runs are recorded in the store. A `Service`: it ends on graceful shutdown.
public struct Scheduler: Service {
    /// One scheduled job.
    public struct Entry: Sendable {
        public let name: String
        public let cron: CronExpression
        public let job: @Sendable (_ due: Date) async throws -> Void

        public init(name: String, cron: CronExpression, job: @escaping @Sendable (_ due: Date) async throws -> Void) {
            self.name = name
            self.cron = cron
            self.job = job
        }

        /// A job that blocks (a sync, an ingest, a delivery to seal): it runs off the cooperative
        /// pool as batch work (`BatchWork`: its own thread, a lower CPU priority), so the API keeps
        /// its threads and wins the cores whenever both want them.
        public static func blocking(name: String, cron: CronExpression, job: @escaping @Sendable (_ due: Date) throws -> Void) -> Entry {
            Entry(name: name, cron: cron) { due in try await BatchWork.run { try job(due) } }
        }
    }

    let entries: [Entry]
    let store: any Store
    let clock: any WallClock
    let timeZone: TimeZone
    /// How far back a missed run is still caught up.
    let catchUpWindow: TimeInterval
    let logger = Logger(label: "ketenpoort.scheduler")

    public init(
        entries: [Entry], store: any Store, clock: any WallClock = SystemWallClock(), timeZone: TimeZone = .amsterdam,
        catchUpWindow: TimeInterval = 7 * 86400
    ) {
        self.entries = entries
        self.store = store
        self.clock = clock
        self.timeZone = timeZone
        self.catchUpWindow = catchUpWindow
    }

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for entry in entries { group.addTask { await loop(entry) } }
        }
    }

    /// The run to catch up at start: the latest due time after the last recorded one, if any.
    public func missedRun(of entry: Entry) async throws -> Date? {
        let name = entry.name
        guard let last = try await store.read({ try $0.lastDue(schedule: name) }) else { return nil }
        let now = clock.now()
        return entry.cron.previousRun(atOrBefore: now, in: timeZone, after: max(last, now.addingTimeInterval(-catchUpWindow)))
    }

    /// Runs `entry` for `due` and records it (a failed run is logged and recorded, the loop goes on).
    public func fire(_ entry: Entry, due: Date) async {
        let started = clock.now()
        do {
            try await entry.job(due)
        } catch {
            logger.error("scheduled run failed", metadata: ["schedule": "\(entry.name)", "error": "\(error)"])
        }
        do {
            let (clock, name) = (self.clock, entry.name)
            try await store.write { try $0.recordScheduled(schedule: name, due: due, startedAt: started, finishedAt: clock.now()) }
        } catch {
            logger.error("scheduled run not recorded", metadata: ["schedule": "\(entry.name)", "error": "\(error)"])
        }
    }

    private func loop(_ entry: Entry) async {
        do {
            let (clock, name) = (self.clock, entry.name)
            if let missed = try await missedRun(of: entry) {
                logger.notice("catching up a missed run", metadata: ["schedule": "\(entry.name)", "due": "\(missed)"])
                await fire(entry, due: missed)
            } else {
                // First start: nothing to catch up; remember from when on this schedule counts.
                try await store.write { tx in
                    guard try tx.lastDue(schedule: name) == nil else { return }
                    try tx.recordScheduled(schedule: name, due: clock.now(), startedAt: clock.now(), finishedAt: clock.now())
                }
            }
            while !Task.isCancelled {
                guard let next = entry.cron.nextRun(after: clock.now(), in: timeZone) else { return }
                let delay = max(0, next.timeIntervalSince(clock.now()))
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                await fire(entry, due: next)
            }
        } catch {
            if !(error is CancellationError) {
                logger.error("schedule stopped", metadata: ["schedule": "\(entry.name)", "error": "\(error)"])
            }
        }
    }
}
