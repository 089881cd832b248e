import Adapters
import Foundation
import Gateway
import KetenpoortCore
import Logging

/// One exchange as the rest of the gateway sees it, registered once (`GatewayRuntime.exchanges`):
/// the schedule job that runs it, the contract of the files it takes in (from a drop folder or the
/// HTTPS inbox), and what it does with such a file or a due run. The scheduler, the inbox and
/// retention read this list instead of naming exchanges themselves.
public struct Exchange: Sendable {
    /// What a taken file came to: the outcome the inbox receipt names (`applied`, `rejected`, …)
    /// and the validation counts.
    public typealias FileOutcome = (outcome: String, validation: ValidationReport)

    /// The outcome of a file an exchange applies whole or not at all: `rejected` when the
    /// validation refused the file, else `applied`.
    public static func appliedOrRejected(_ validation: ValidationReport) -> FileOutcome {
        (validation.isRejected ? "rejected" : "applied", validation)
    }

    /// The job name schedules use (`schedules[].job`), when the exchange is scheduled.
    public let job: String?
    /// The contract of the files it takes in, when it takes files.
    public let inboundContract: String?
    /// Whether its schedule needs a drop folder (`schedules[].source`).
    public let readsDropFolder: Bool
    /// Takes one file of `inboundContract` (the inbox, as if given on the command line).
    public let takeFile: (@Sendable (URL) throws -> FileOutcome)?
    /// The work of one due run of its schedule, given the schedule's drop folder (never nil for an
    /// exchange that `readsDropFolder`: `schedulerEntry` refuses such a schedule first); made when the
    /// schedule is set up (a failure there stops the gateway from starting). A run gets the gateway
    /// as the run's lease fences it (`FencedStore`), and builds its flow on that.
    let scheduledRun: (@Sendable (_ source: URL?) throws -> ScheduledRun)?

    /// One due run, on the gateway whose store is fenced by the run's lease.
    typealias ScheduledRun = @Sendable (_ due: Date, _ runtime: GatewayRuntime) throws -> Void
    /// Checked when its schedule is set up, for what only makes its runs fail (e.g. a delivery
    /// key the partner has not provided yet): logged, not fatal.
    let readiness: (@Sendable () throws -> Void)?

    init(
        job: String? = nil, inboundContract: String? = nil, readsDropFolder: Bool = false,
        takeFile: (@Sendable (URL) throws -> FileOutcome)? = nil,
        scheduledRun: (@Sendable (_ source: URL?) throws -> ScheduledRun)? = nil,
        readiness: (@Sendable () throws -> Void)? = nil
    ) {
        self.job = job
        self.inboundContract = inboundContract
        self.readsDropFolder = readsDropFolder
        self.takeFile = takeFile
        self.scheduledRun = scheduledRun
        self.readiness = readiness
    }
}

extension GatewayRuntime {
    /// Every exchange of the gateway, each once.
    public var exchanges: [Exchange] {
        let runtime = self
        return [
            Exchange(
                job: CoaGemeenteSync.job, inboundContract: CoaGemeenteSync.contract, readsDropFolder: true,
                takeFile: { file in try runtime.coaGemeenteSync().take(file) },
                scheduledRun: { source in
                    _ = try runtime.coaGemeenteSync()
                    return { _, fenced in _ = try DropFolderSync(sync: try fenced.coaGemeenteSync(), folder: source!).runWaiting() }
                }),
            Exchange(
                job: DuoIngest.job, inboundContract: DuoIngest.contract, readsDropFolder: true,
                takeFile: { file in
                    let report = try runtime.duoIngest().run(file: file)
                    return (report.outcome.rawValue, report.validation)
                },
                scheduledRun: { source in
                    _ = try runtime.duoIngest()
                    return { _, fenced in _ = try DropFolderDuoIngest(ingest: try fenced.duoIngest(), folder: source!).runWaiting() }
                }),
            Exchange(
                job: CbsLevering.job,
                // Built when it fires: a delivery key CBS has not provided yet fails this schedule's
                // runs (each logged), not the gateway.
                scheduledRun: { _ in { due, fenced in _ = try fenced.cbsLevering().deliverCompletedPeriod(on: due) } },
                readiness: { _ = try runtime.cbsLevering() }),
            Exchange(
                inboundContract: ConsentIngest.flow,
                takeFile: { file in
                    Exchange.appliedOrRejected(try runtime.consentIngest().run(file: file).validation)
                }),
            Exchange(
                inboundContract: AdviceFlow.flow,
                takeFile: { file in
                    Exchange.appliedOrRejected(try runtime.adviceFlow().ingest(file: file).validation)
                }),
        ]
    }

    /// The scheduler entry of `schedule`: its exchange's run, on its cron. Throws when the job is
    /// unknown, needs a drop folder it lacks, or the cron expression is invalid. An exchange that
    /// cannot be built yet (e.g. CBS without its delivery key) is logged and scheduled anyway: each
    /// run then fails and is logged, and the other schedules run.
    public func schedulerEntry(for schedule: GatewayConfiguration.Schedule, logger: Logger) throws -> Scheduler.Entry {
        let place = "\(configuration.source.path): schedule \(schedule.name)"
        let cron: CronExpression
        do {
            cron = try CronExpression(schedule.cron)
        } catch let error as CronError {
            throw KetenpoortError(.configurationInvalid, "\(place): \(error.description)")
        }
        guard let exchange = exchanges.first(where: { $0.job == schedule.job }), let scheduledRun = exchange.scheduledRun,
            !exchange.readsDropFolder || schedule.source != nil
        else {
            throw KetenpoortError(.configurationInvalid, "\(place): unknown job '\(schedule.job)' or no source folder")
        }
        do {
            try exchange.readiness?()
        } catch let error as KetenpoortError {
            logger.error("schedule cannot run until this is mended", metadata: ["schedule": "\(schedule.name)", "reason": "\(error.reason)"])
        }
        let run = try scheduledRun(schedule.source)
        let runtime = self
        return .blocking(name: schedule.name, cron: cron) { due, store in try run(due, runtime.using(store: store)) }
    }
}
