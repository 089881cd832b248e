import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import Sealing

/// A gateway for tests, configured as the repository's `ketenpoort.yaml` says, in a folder of its own.
public struct SyncFixture: Sendable {
    public let directory: TempDirectory
    public let runtime: GatewayRuntime

    /// Noon of 2026-11-24 in Amsterdam: after every sample file was made.
    public static let clock = FixedWallClock(
        Date(timeIntervalSince1970: Double(CalendarDate(year: 2026, month: 11, day: 24)!.daysSinceEpoch) * 86400 + 11 * 3600))

    /// A gateway of the repository's configuration in a temporary folder, with a dev PKI; the parties
    /// `excluded` left out of it; its store on `engine` (PostgreSQL: a database of its own on the
    /// test process's server).
    public init(parties excluded: Set<String> = [], maxBatchRecords: Int = 5_000, checkpointEvery: Int = 100, engine: TestEngine = .sqlite)
        async throws
    {
        directory = try TempDirectory()
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = try await engine.storeSection(replacingIn: yaml)
        yaml = yaml.replacingOccurrences(of: "maxBatchRecords: 5000", with: "maxBatchRecords: \(maxBatchRecords)")
        yaml = yaml.replacingOccurrences(of: "checkpointEvery: 100", with: "checkpointEvery: \(checkpointEvery)")
        yaml = yaml.components(separatedBy: "\n").filter { line in !excluded.contains { line.contains("id: \($0),") } }.joined(separator: "\n")
        let config = directory.file("ketenpoort.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: config)
        _ = try DevPKI.initialize(directory: directory.file("var/pki"), parties: try configuration.devIdentities(), now: Self.clock.now())
        runtime = try GatewayRuntime(configuration: configuration, workspaceRoot: Repository.root, clock: Self.clock)
    }

    /// Runs the nightly sync on COA sample `sample`.
    public func sync(_ sample: String) throws -> SyncReport {
        try runtime.coaGemeenteSync().run(input: Repository.sample("coa", sample))
    }

}
