import ArgumentParser
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing

/// `ketenpoort bench-api`: the IND status query API under load. The gateway runs as a second
/// process (`ketenpoort run`) over a status store of the national population; this process
/// drives it over keep-alive mutual TLS: a fixed rate (latency measured from when each question
/// was due), then rising rates until p99 passes the limit, then as fast as it answers.
/// With `--during-sync` or `--during-duo` it measures, at one fixed rate, how the answers fare
/// before, while and after a partner's file is delivered to the gateway's HTTPS inbox.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-api", abstract: "Benchmark the IND status query API over mutual TLS on loopback (run on a release build).")

    @Option(help: "Persons in the status store.") var persons = 250_000
    @Option(help: "The fixed rate to measure, questions per second (default 5,000; 1,000 with --during-sync or --during-duo).") var rate: Double?
    @Option(help: "Seconds per measurement (with --during-sync or --during-duo: before and after the delivery).") var seconds = 10
    @Option(help: "Keep-alive connections of the load generator (default 16; 4 with --during-sync or --during-duo).") var connections: Int?
    @Option(help: "Measure while COA delivers a snapshot of this many persons to the HTTPS inbox and its night goes out to 342 municipalities.")
    var duringSync: Int?
    @Option(help: "Measure while DUO delivers a status extract of this many records (the next sequence number) to the HTTPS inbox.")
    var duringDuo: Int?
    @Option(help: "The store engine: sqlite, or postgres (a PostgreSQL 15 server of the benchmark's own, flushing commits to disk).")
    var store: TestEngine = .sqlite
    @Option(help: "Gateway nodes sharing the load, each a `ketenpoort run` process on one PostgreSQL database (with --store postgres).")
    var nodes = 1
    @Flag(help: "Then measure the baseline the same way: the gateway's HTTPS stack answering one fixed answer (bench-baseline-server).")
    var baseline = false
    @Option(help: "The p99 latency limit, in milliseconds, for the highest sustainable rate.") var p99Limit = 5.0
    @Flag(help: "Measure the fixed rate only: no search for the highest sustainable rate, no run as fast as it answers.")
    var fixedOnly = false
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-api"
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard duringSync == nil || duringDuo == nil else { throw ValidationError("choose one of --during-sync and --during-duo") }
        for (name, value) in [("--during-sync", duringSync), ("--during-duo", duringDuo)] {
            if let value, value < 1 { throw ValidationError("\(name) must be at least 1") }
        }
        guard nodes == 1 || (store == .postgres && (2...8).contains(nodes) && duringSync == nil && duringDuo == nil) else {
            throw ValidationError("--nodes takes 2–8 nodes, with --store postgres, without --during-sync or --during-duo")
        }
        guard !baseline || (duringSync == nil && duringDuo == nil) else {
            throw ValidationError("--baseline measures the rates of a gateway alone: not with --during-sync or --during-duo")
        }
        guard persons > 0, seconds > 0, (rate ?? 1) > 0, (connections ?? 1) > 0 else {
            throw ValidationError("--persons, --seconds, --rate and --connections must be positive")
        }
    }

    func run() async throws {
        let base = URL(fileURLWithPath: dir).standardizedFileURL
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let ports = try (0..<nodes).map { _ in try LoopbackPort.free() }
        let postgres = store == .postgres ? try TemporaryPostgres.start(durable: true) : nil
        defer { postgres?.stop() }
        let database = try postgres.map { postgres in
            let roles = try postgres.makeRolesAndDatabase("ketenpoort")
            try StoreOpener.migrate(ownerConninfo: roles.owner)
            return roles.gateway
        }
        // The night of a snapshot goes to the municipalities of bench-sync, in a receiver process.
        let receiverPort = try duringSync.map { _ in try LoopbackPort.free() }
        let configURLs = try ports.enumerated().map { node, port in
            try writeConfiguration(base: base, node: node, port: port, database: database, receiverPort: receiverPort)
        }
        let configURL = configURLs[0]
        // The workspace's quarterly CBS schedule needs its delivery key: without one, each node logs an error at start.
        let secrets = base.appendingPathComponent("var/secrets")
        try FileManager.default.createDirectory(at: secrets, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(
            atPath: secrets.appendingPathComponent("cbs-delivery-key").path, contents: Data((0..<32).map { _ in UInt8.random(in: 0...255) }),
            attributes: [.posixPermissions: 0o600])
        let configuration = try GatewayConfiguration.load(contentsOf: configURL)
        let pki = base.appendingPathComponent("var/pki")
        _ = try DevPKI.initialize(
            directory: pki,
            parties: try configuration.devIdentities(),
            now: Date())

        // The national population, through the real DUO ingest.
        let population = DuoPopulationGenerator(persons: persons)
        let extract = base.appendingPathComponent("duo-inburgering-20261123.dat")
        try population.write(to: extract, created: CalendarDate(year: 2026, month: 11, day: 23)!, sequence: 1)
        let ingested = try GatewayRuntime(configuration: configuration, workspaceRoot: workspace.root).duoIngest().run(file: extract)
        // The answers are measured as they come on a day after the ingest (the ingest's own effect is
        // what --during-duo measures): the extract's pages on disk, PostgreSQL's statistics and
        // visibility map made by (auto)vacuum.
        if let postgres {
            try postgres.superuser("VACUUM ANALYZE duo_status", database: "ketenpoort")
            try postgres.superuser("CHECKPOINT")
        }
        sync()
        let addresses = ports.map { "127.0.0.1:\($0)" }.joined(separator: " and ")
        print(
            "IND status query API, \(persons) persons in the status store (\(store), extract \(ingested.outcome.rawValue)), "
                + "\(nodes == 1 ? "gateway" : "\(nodes) gateway nodes") on \(addresses)")
        let received = BenchInput.receiverFolder(base)
        try? FileManager.default.removeItem(at: received)
        let receiver = try receiverPort.map { try Self.startReceiver(port: $0, pki: pki, folder: received) }
        defer {
            receiver?.terminate()
            receiver?.waitUntilExit()
            try? FileManager.default.removeItem(at: received)
        }
        if let receiverPort { try await BenchSyncCommand.waitForReceiver(port: receiverPort) }
        let delivery = try inboxDelivery(base: base, pki: pki, storeSequence: ingested.sequence ?? 0)

        let gateways = try configURLs.enumerated().map { node, configURL in
            try startGateway(configURL: configURL, node: node, log: base.appendingPathComponent("gateway-\(node + 1).log"))
        }
        defer {
            for gateway in gateways where gateway.isRunning { gateway.terminate() }
            for gateway in gateways { gateway.waitUntilExit() }
        }

        let urls = ports.map { URL(string: "https://127.0.0.1:\($0)/api/inburgering/v1/statusvragen")! }
        let url = urls[0]
        let tls = TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: "ind", in: pki), clientKey: DevPKI.privateKeyFile(for: "ind", in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
        var generator = SplitMix64(seed: 7)
        // Persons in the status store throughout: with a DUO extract, those of both extracts.
        let asked = (0..<4_096).map { _ in DuoPopulationGenerator.bsn(Int(generator.next() % UInt64(min(persons, duringDuo ?? persons)))) }
        let bodies = Self.keeping(asked, inNextExtractOf: duringDuo).map { bsn in
            Data("{\"bsn\":\"\(bsn)\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"IND-2026-0001234\"}".utf8)
        }
        let headers = [(name: "Content-Type", value: "application/json")]
        for url in urls { try await Self.waitUntilAnswering(url: url, headers: headers, body: bodies[0], tls: tls) }
        if let delivery {
            try await InboxDeliveryBenchmark(
                questions: url, headers: headers, bodies: bodies, tls: tls, connections: connections ?? 4, rate: rate ?? 1_000,
                niceness: Self.generatorNiceness, window: .seconds(seconds), delivery: delivery,
                gatewayLog: base.appendingPathComponent("gateway-1.log")
            ).run()
            return
        }
        let pids = gateways.map(\.processIdentifier)
        ladder(urls: urls, pids: pids, role: "gateway", headers: headers, bodies: bodies, tls: tls)
        guard baseline else { return }
        for gateway in gateways { gateway.terminate() }
        for gateway in gateways { gateway.waitUntilExit() }
        let port = try LoopbackPort.free()
        let server = try startBaseline(configURL: configURL, port: port, log: base.appendingPathComponent("baseline.log"))
        defer {
            server.terminate()
            server.waitUntilExit()
        }
        let baselineURL = URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1/statusvragen")!
        try await Self.waitUntilAnswering(url: baselineURL, headers: headers, body: bodies[0], tls: tls)
        print("baseline: the same HTTPS stack and mutual TLS answering one fixed answer (no store, no processing log), on 127.0.0.1:\(port)")
        ladder(urls: [baselineURL], pids: [server.processIdentifier], role: "server", headers: headers, bodies: bodies, tls: tls)
    }

    /// The fixed rate, the highest rate that holds the p99 limit (falling, then rising) and as fast
    /// as the server(s) at `urls` answer, with the CPU the processes `pids` (named `role`) spent per answer.
    func ladder(urls: [URL], pids: [Int32], role: String, headers: [(name: String, value: String)], bodies: [Data], tls: TLSClientSettings) {
        let connections = connections ?? 16, rate = rate ?? 5_000
        // What the last measurement cost the gateway(s) in CPU, and how much the hypervisor took.
        var cost = ""
        // The last measurement's run, for its seconds one by one.
        var lastRun: LoadRun?
        func measure(_ rate: Double?, seconds: Int) -> LoadGenerator.Result {
            let (cpuBefore, stealBefore) = (ProcessCPU.seconds(pids), CPUSteal.now())
            let (result, run) = LoadGenerator.runKeeping(
                urls: urls, headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: .seconds(seconds),
                niceness: Self.generatorNiceness)
            lastRun = run
            let (cpuAfter, stealAfter) = (ProcessCPU.seconds(pids), CPUSteal.now())
            if let cpuBefore, let cpuAfter, result.requests > 0 {
                cost = String(format: "; %@ CPU %.2f ms per answer", role, 1_000 * (cpuAfter - cpuBefore) / Double(result.requests))
            } else {
                cost = ""
            }
            cost += "; steal \(CPUSteal.share(from: stealBefore, to: stealAfter))"
            return result
        }
        func report(_ label: String, _ result: LoadGenerator.Result) {
            print(
                String(
                    format: "  %@: %.0f questions/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d failed of %d%@", label, result.rate,
                    result.latency(quantile: 0.5), result.latency(quantile: 0.99), result.latencies.last ?? 0, result.failures, result.requests,
                    cost))
        }
        // Warm-up (connections, caches) at the rate then measured: a flood here would leave its
        // wake (log entries to commit, a WAL to checkpoint) to the first second of the measurement.
        _ = measure(rate, seconds: 2)
        let fixed = measure(rate, seconds: seconds)
        report(String(format: "fixed rate %.0f/s", rate), fixed)
        // One stall of the host or a steady queue: the window's seconds tell them apart.
        if let run = lastRun {
            SlowestSeconds.report(run.series(dueFrom: run.start, to: run.start + .seconds(seconds), every: .seconds(1)), over: p99Limit)
        }
        guard !fixedOnly else { return }
        func holds(_ result: LoadGenerator.Result, at rate: Double) -> Bool {
            result.failures == 0 && result.rate >= rate * 0.97 && result.latency(quantile: 0.99) < p99Limit
        }
        let step = max(3, seconds / 2)
        // When the fixed rate does not hold: falling by halves until a rate holds (a machine slower
        // than the target still gets a figure to compare engines and node counts by).
        var sustainable = holds(fixed, at: rate) ? rate : 0
        var falling = Self.roundFigure(rate / 2)
        while sustainable == 0 && falling >= Self.lowestRate {
            let result = measure(falling, seconds: step)
            let held = holds(result, at: falling)
            report(String(format: "falling: %.0f/s %@", falling, held ? "holds" : "does not hold"), result)
            if held { sustainable = falling } else { falling = Self.roundFigure(falling / 2) }
        }
        // Rising from the highest rate that held, in steps of 10 %, until one does not.
        var next = Self.roundFigure(sustainable * 1.1)
        while sustainable > 0 {
            let result = measure(next, seconds: step)
            let held = holds(result, at: next)
            report(String(format: "rising: %.0f/s %@", next, held ? "holds" : "does not hold"), result)
            guard held else { break }
            sustainable = next
            next = Self.roundFigure(next * 1.1)
        }
        print(String(format: "  highest sustainable rate (p99 < %.1f ms, no failures): %.0f questions/s", p99Limit, sustainable))
        // Last: an overload's wake (a backlog of log entries to checkpoint or vacuum) would
        // otherwise be measured as the next phase's latency.
        report("as fast as it answers (\(connections) connections)", measure(nil, seconds: seconds))
    }

    /// Writes node `node`'s configuration (the workspace's, on its own port and, on PostgreSQL, in
    /// its own folder) to the benchmark's folder; returns where.
    func writeConfiguration(base: URL, node: Int, port: Int, database: String?, receiverPort: Int?) throws -> URL {
        var yaml = try String(contentsOf: workspace.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: \(port)")
        if let database {
            let sqlite = #"\n  engine: sqlite[^\n]*\n  path: [^\n]*"#
            guard yaml.range(of: sqlite, options: .regularExpression) != nil else {
                throw ValidationError("ketenpoort.yaml has no SQLite store section")
            }
            yaml = yaml.replacingOccurrences(
                of: sqlite, with: "\n  engine: postgres\n  url: \"\(database)\"\n  directory: var/node-\(node + 1)", options: .regularExpression)
        }
        if let receiverPort { yaml = Self.withBenchMunicipalities(yaml, endpointPort: receiverPort) }
        let url = base.appendingPathComponent(node == 0 ? "ketenpoort.yaml" : "ketenpoort-\(node + 1).yaml")
        try yaml.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// Starts the baseline server (`ketenpoort bench-baseline-server`) with the listener of `configURL`, on `port`.
    func startBaseline(configURL: URL, port: Int, log: URL) throws -> Process {
        let server = Process()
        server.executableURL = ThisExecutable.url
        server.arguments = ["bench-baseline-server", "--config", configURL.path, "--port", String(port)]
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        server.standardError = try FileHandle(forWritingTo: log)
        server.standardOutput = server.standardError
        try server.run()
        return server
    }

    /// Starts gateway node `node` (`ketenpoort run`), its output in `log`.
    func startGateway(configURL: URL, node: Int, log: URL) throws -> Process {
        let gateway = Process()
        gateway.executableURL = ThisExecutable.url
        gateway.arguments = ["run", "--config", configURL.path, "--home", workspace.root.path]
        var environment = ProcessInfo.processInfo.environment.merging(["KETENPOORT_NODE": "node-\(node + 1)"]) { $1 }
        // While a file is delivered, its log tells which processing-log commits were slow (`notice`).
        if duringSync != nil || duringDuo != nil, environment["KETENPOORT_LOG_LEVEL"] == nil { environment["KETENPOORT_LOG_LEVEL"] = "notice" }
        gateway.environment = environment
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        gateway.standardError = try FileHandle(forWritingTo: log)
        gateway.standardOutput = gateway.standardError
        try gateway.run()
        return gateway
    }

    /// The lowest rate the falling steps try.
    static let lowestRate = 50.0

    /// `rate` in a round figure: to 50 from 500 questions/s up, to 10 below (at least 10).
    static func roundFigure(_ rate: Double) -> Double {
        let unit = rate >= 500 ? 50.0 : 10.0
        return max(10, (rate / unit).rounded() * unit)
    }

    /// The load generator shares the two cores with the gateway: at a higher priority its threads
    /// wake when a question is due, so what is measured is the gateway's latency, not the
    /// generator's own wait for a core (where allowed; the gateway and the partners keep the default).
    static let generatorNiceness: Int32 = -10

    /// Waits (at most 30 s) for the gateway process to answer a question.
    static func waitUntilAnswering(url: URL, headers: [(name: String, value: String)], body: Data, tls: TLSClientSettings) async throws {
        let client = CurlClient(threadCount: 1)
        defer { Task { await client.shutdown() } }
        for _ in 0..<300 {
            if let response = try? await client.post(url: url, headers: headers, body: body, tls: tls, timeout: .seconds(2)), response.status == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the gateway did not answer within 30 s (see its log)")
    }
}
