import Foundation
import KetenpoortCore
import Logging
import ServiceLifecycle
import Store

/// Runs jobs on cron schedules (Europe/Amsterdam wall clock). Each schedule has one loop, so the
/// same schedule never runs twice at once; a run missed while the gateway was down is caught up
/// once at start. Runs are recorded in the store. A `Service`: it ends on graceful shutdown.
///
/// Several nodes on one store run each due job once: a run first takes the schedule's lease
/// (`schedule:<name>`), renewed while it runs. A node that finds the lease held waits for it: when
/// the holder records the due time it has nothing to do; when the holder died, its lease runs out
/// and this node runs the job instead. The job writes through a `FencedStore`, so a node that
/// paused past its lease writes nothing once another took over. Each run lands in the audit chain
/// (`schedule.ran`) with the node that ran it.
public struct Scheduler: Service {
    /// One scheduled job.
    public struct Entry: Sendable {
        public let name: String
        public let cron: CronExpression
        /// The run for a due time, writing through the store it is given (fenced by the lease).
        public let job: @Sendable (_ due: Date, _ store: any Store) async throws -> Void

        public init(name: String, cron: CronExpression, job: @escaping @Sendable (_ due: Date, _ store: any Store) async throws -> Void) {
            self.name = name
            self.cron = cron
            self.job = job
        }

        /// A job that blocks (a sync, an ingest, a delivery to seal): it runs off the cooperative
        /// pool as batch work (`BatchWork`: its own thread, a lower CPU priority), so the API keeps
        /// its threads and wins the cores whenever both want them.
        public static func blocking(
            name: String, cron: CronExpression, job: @escaping @Sendable (_ due: Date, _ store: any Store) throws -> Void
        ) -> Entry {
            Entry(name: name, cron: cron) { due, store in try await BatchWork.run { try job(due, store) } }
        }
    }

    let entries: [Entry]
    let store: any Store
    let clock: any WallClock
    let timeZone: TimeZone
    /// How far back a missed run is still caught up.
    let catchUpWindow: TimeInterval
    /// Who this scheduler takes leases as, and for how long at a time (renewed every third of it).
    let holder: String
    let leaseDuration: TimeInterval
    /// Where each run is recorded for the auditor (none in some unit tests).
    let audit: AuditChain?
    let logger = Logger(label: "ketenpoort.scheduler")

    public init(
        entries: [Entry], store: any Store, clock: any WallClock = SystemWallClock(), timeZone: TimeZone = .amsterdam,
        catchUpWindow: TimeInterval = 7 * 86400, holder: String = ProcessHolder.name, leaseDuration: TimeInterval = 60,
        audit: AuditChain? = nil
    ) {
        self.entries = entries
        self.audit = audit
        self.holder = holder
        self.leaseDuration = leaseDuration
        self.store = store
        self.clock = clock
        self.timeZone = timeZone
        self.catchUpWindow = catchUpWindow
    }

    public func run() async throws {
        // Without schedules it still runs until the gateway stops: a service that ends early ends the gateway.
        if entries.isEmpty { try? await gracefulShutdown() }
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

    /// Runs `entry` for `due` and records it (a failed run is logged and recorded, the loop goes on),
    /// unless another node ran `due` already. A run whose lease was lost meanwhile (this node paused
    /// past it) could record nothing: the due time is looked at again, and run anew unless another
    /// node ran it.
    public func fire(_ entry: Entry, due: Date) async {
        while let lease = await takeLease(for: entry, due: due) {
            guard await run(entry, due: due, under: lease) else { return }
            logger.warning(
                "scheduled run lost its lease: its writes were refused; the due time is looked at again",
                metadata: ["schedule": "\(entry.name)", "due": "\(due)"])
        }
    }

    /// Runs `entry` for `due` holding `lease`, and records it; true when the lease was lost.
    private func run(_ entry: Entry, due: Date, under lease: Lease) async -> Bool {
        let name = entry.name
        let fenced = FencedStore(store, lease: lease)
        let renewal = Task { await renew(lease) }
        defer { renewal.cancel() }
        let started = clock.now()
        var outcome = "done"
        do {
            try await entry.job(due, fenced)
        } catch {
            outcome = "failed"
            logger.error("scheduled run failed", metadata: ["schedule": "\(name)", "error": "\(error)"])
        }
        renewal.cancel()
        Telemetry.jobRun(job: name, outcome: outcome, seconds: clock.now().timeIntervalSince(started))
        do {
            let (clock, audit, holder, outcome) = (self.clock, self.audit, self.holder, outcome)
            try await fenced.write { tx in
                try tx.recordScheduled(schedule: name, due: due, startedAt: started, finishedAt: clock.now())
                _ = try audit?.append(.scheduleRan(schedule: name, due: due, node: holder, outcome: outcome), in: tx)
                try tx.releaseLease(lease)
            }
        } catch let error as KetenpoortError where error.code == .storeLeaseLost {
            return true
        } catch {
            logger.error("scheduled run not recorded", metadata: ["schedule": "\(name)", "error": "\(error)"])
        }
        return false
    }

    /// What a node finds when it comes to run a due time.
    private enum Turn: Sendable {
        case mine(Lease)
        case heldByAnother
        case ranAlready
    }

    /// The schedule's lease for running `entry` at `due`, or nil when `due` was run already (or the
    /// gateway stops). While another node holds the lease this waits, trying again every third of a
    /// lease: a holder that died stops renewing, and its run falls to this node.
    private func takeLease(for entry: Entry, due: Date) async -> Lease? {
        let (name, holder, duration) = (entry.name, self.holder, leaseDuration)
        var logged = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                let turn = try await store.write { tx -> Turn in
                    // The lease first: its holder records the due time in the transaction that
                    // releases it, so once taken, the due time read next is the last word.
                    let lease = try tx.acquireLeaseTakingOverDead("schedule:\(name)", holder: holder, for: duration)
                    if let last = try tx.lastDue(schedule: name), last >= due {
                        if let lease { try tx.releaseLease(lease) }
                        return .ranAlready
                    }
                    return lease.map(Turn.mine) ?? .heldByAnother
                }
                switch turn {
                case .mine(let lease): return lease
                case .ranAlready:
                    logger.info("scheduled run done already", metadata: ["schedule": "\(name)", "due": "\(due)"])
                    return nil
                case .heldByAnother:
                    if !logged {
                        logger.info("another node holds the scheduled run: waiting for it", metadata: ["schedule": "\(name)", "due": "\(due)"])
                        logged = true
                    }
                }
            } catch {
                logger.error("scheduled run not started: its lease could not be taken", metadata: ["schedule": "\(name)", "error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(duration / 3)) }
            } catch {
                return nil
            }
        }
        return nil
    }

    /// Renews `lease` every third of its duration until cancelled; a lease found lost is logged
    /// (the job's next write is refused by the fence).
    private func renew(_ lease: Lease) async {
        let duration = leaseDuration
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(duration / 3))
            if Task.isCancelled { return }
            do {
                guard try await store.renewal({ try $0.extendLease(lease, for: duration) }) else {
                    logger.error("lease lost while the run went on: its writes are refused", metadata: ["lease": "\(lease.name)"])
                    return
                }
            } catch {
                logger.warning("lease not renewed", metadata: ["lease": "\(lease.name)", "error": "\(error)"])
            }
        }
    }

    private func loop(_ entry: Entry) async {
        let (clock, name) = (self.clock, entry.name)
        // The start reads and writes the store: a store error there is logged and the start tried
        // again, so a schedule never stops for good (nor, with it, the gateway).
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                if let missed = try await missedRun(of: entry) {
                    logger.notice("catching up a missed run", metadata: ["schedule": "\(name)", "due": "\(missed)"])
                    await fire(entry, due: missed)
                } else {
                    // First start: nothing to catch up; remember from when on this schedule counts.
                    try await store.write { tx in
                        guard try tx.lastDue(schedule: name) == nil else { return }
                        try tx.recordScheduled(schedule: name, due: clock.now(), startedAt: clock.now(), finishedAt: clock.now())
                    }
                }
                break
            } catch {
                // The gateway stopping (another service failed, or a signal) is no store failure.
                if error is CancellationError || Task.isCancelled { return }
                logger.error("schedule not started: the store failed; trying again shortly", metadata: ["schedule": "\(name)", "error": "\(error)"])
                let delay = Self.startRetryDelay
                guard (try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }) != nil else { return }
            }
        }
        do {
            while !Task.isCancelled {
                guard let next = entry.cron.nextRun(after: clock.now(), in: timeZone) else { return }
                let delay = max(0, next.timeIntervalSince(clock.now()))
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(delay)) }
                await fire(entry, due: next)
            }
        } catch {
            // Cancelled: the gateway stops.
        }
    }

    /// Seconds before a schedule whose start failed on a store error tries again.
    static let startRetryDelay: Double = 5
}

/// Named briefly: a service group that reports a service's failure prints it, and the full value
/// would list keys, certificates and settings.
extension Scheduler: CustomStringConvertible {
    public var description: String { "Scheduler(schedules: \(entries.map(\.name).joined(separator: ", ")))" }
}
