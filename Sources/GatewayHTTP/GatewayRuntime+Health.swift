import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import Sealing
import Store

/// The node's health probes, built from its runtime.
extension GatewayRuntime {
    /// The node's maintenance mode (a file in its own folder).
    public var maintenanceMode: MaintenanceMode { MaintenanceMode(directory: configuration.store.directory) }

    /// The health server of `health:`, nil when the section is not there.
    public func healthServer() -> HealthServer? {
        guard let health = configuration.health else { return nil }
        return HealthServer(host: health.host, port: health.port, checks: readinessChecks(health))
    }

    /// Store reachable, processing log writable, gateway certificate valid long enough, CA bundle
    /// loaded, disk space left where the node keeps its files.
    func readinessChecks(_ health: HealthSettings) -> ReadinessChecks {
        let store = store
        let identity = configuration.identity
        let directory = configuration.store.directory
        let maintenance = maintenanceMode
        let clock = clock
        return ReadinessChecks(
            [
                .init("store") {
                    let checkpoint = try await store.read { try $0.lastCheckpoint()?.seq }
                    return "reachable; last audit checkpoint \(checkpoint.map(String.init) ?? "none")"
                },
                .init("processing-log") {
                    try await OwnThread.run { try store.processingLog.checkWritable() }
                    return "writable"
                },
                .init("certificate") {
                    guard let certificate = try PEMFiles.loadCertificates(identity.certificate).first else {
                        throw KetenpoortError(.configurationInvalid, "\(identity.certificate.lastPathComponent) holds no certificate")
                    }
                    let days = Int(certificate.notValidAfter.timeIntervalSince(clock.now()) / 86_400)
                    guard days >= health.certificateDays else {
                        throw KetenpoortError(
                            .configurationInvalid, "the gateway certificate expires in \(days) days (at least \(health.certificateDays) wanted)")
                    }
                    return "the gateway certificate expires in \(days) days"
                },
                .init("ca-bundle") {
                    let count = try PEMFiles.loadCertificates(identity.caBundle).count
                    guard count > 0 else {
                        throw KetenpoortError(.configurationInvalid, "\(identity.caBundle.lastPathComponent) holds no certificate")
                    }
                    return "\(count) trusted certificate\(count == 1 ? "" : "s")"
                },
                .init("disk") {
                    var stats = statvfs()
                    guard statvfs(directory.path, &stats) == 0 else {
                        throw KetenpoortError(.outputUnwritable, "cannot read the free space of \(directory.path)")
                    }
                    let free = Int64(stats.f_bavail) * Int64(stats.f_frsize)
                    guard free >= health.minFreeBytes else {
                        throw KetenpoortError(.outputUnwritable, "\(free >> 20) MiB free (at least \(health.minFreeBytes >> 20) MiB wanted)")
                    }
                    return "\(free >> 20) MiB free"
                },
            ], maintenance: { maintenance.since })
    }
}
