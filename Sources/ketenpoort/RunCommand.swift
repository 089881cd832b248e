import ArgumentParser
import Console
import Exchanges
import Foundation
import Gateway
import GatewayHTTP
import HTTPClient
import KetenpoortCore
import Logging
import ServiceLifecycle

/// `ketenpoort run`: the gateway as a long-running service — the scheduler, the delivery worker,
/// the outbound HTTPS client and the gateway's own HTTPS API (the IND status questions) in one
/// service group, with graceful shutdown on SIGTERM/SIGINT.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Run the gateway: scheduled jobs, delivery and the HTTPS API, until SIGTERM or SIGINT.")

    @OptionGroup var gateway: GatewayOptions

    func run() async throws {
        let runtime = try gateway.runtime()
        let logger = Logger(label: "ketenpoort.run")
        // Before any metric is recorded: one recorded earlier goes to no registry.
        let metricsRegistry = GatewayMetrics.bootstrapRegistry()
        // This process answers the IND while its nights run: batch work gives way at once.
        BatchPolicy.serveAnswers()
        // Idle-class batch work held back by a sustained load (an IND overload) still goes on, slowly.
        let floor =
            BatchPolicy.current == .idle
            ? BatchFloor.start(
                onRefused: {
                    logger.warning(
                        "batch work starved by other work cannot be lifted out of SCHED_IDLE (needs RLIMIT_NICE for nice 10, e.g. systemd LimitNICE=+10, or CAP_SYS_NICE): it waits until a core is free; KETENPOORT_BATCH_POLICY=nice avoids this"
                    )
                }, onLift: Telemetry.batchFloorLifts) : nil
        defer { floor?.stop() }
        // The counter shows from the start, at 0, where the floor runs.
        if floor != nil { Telemetry.batchFloorLifts(0) }
        // Deliveries are batch work: their handshakes and sends yield to the IND's answers.
        let client = CurlClient(priority: .batch)
        let partnerCertificates = PartnerCertificates()
        let delivery = DeliveryWorker(
            store: runtime.store, configuration: runtime.configuration, client: client, clock: runtime.clock,
            partnerCertificates: partnerCertificates)
        // A DUO extract applied just before the gateway last stopped gets its record now.
        try runtime.duoIngest().recordLastApplied()
        let entries = try runtime.configuration.schedules.map { try runtime.schedulerEntry(for: $0, logger: logger) }
        let scheduler = Scheduler(
            entries: entries, store: runtime.store, clock: runtime.clock, leaseDuration: runtime.configuration.scheduleLeaseDuration,
            audit: runtime.auditChain())
        let writer = ProcessingLogWriter(log: runtime.store.processingLog)
        let server = try runtime.gatewayServer(
            writer: writer, metricsRegistry: metricsRegistry, partnerCertificates: partnerCertificates)
        let watch = IncidentWatch(store: runtime.store, register: runtime.incidentRegister())
        let checkpointer = try StoreCheckpointer(store: runtime.store)
        let anchor = AuditAnchor(store: runtime.store, chain: runtime.auditChain())
        let retention = RetentionWatch(retention: runtime.dataRetention())
        let health = runtime.healthServer()
        let console = runtime.consoleServer(client: client, partnerCertificates: partnerCertificates)
        let group = ServiceGroup(
            configuration: .init(
                // Stopped in reverse order, each after the one before has ended: the API first, then
                // the jobs and deliveries, the processing-log writer and curl once nothing uses them,
                // and last the audit anchor (signing the final entries) and the WAL checkpointer.
                services: (checkpointer.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []) + [
                    .init(service: anchor), .init(service: client), .init(service: writer), .init(service: delivery),
                    .init(service: scheduler), .init(service: server), .init(service: watch), .init(service: retention),
                ] + (health.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? [])
                    + (console.map { [ServiceGroupConfiguration.ServiceConfiguration(service: $0)] } ?? []),
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.notice("gateway running", metadata: ["schedules": "\(entries.count)"])
        try await group.run()
    }
}
