import ArgumentParser
import Flows
import Foundation
import KetenpoortCore
import Sealing
import Transport

/// `ketenpoort bench-api`: the IND status query API under load. The gateway runs as a second
/// process (`ketenpoort run`) over a status store of the national population; this process
/// drives it over keep-alive mutual TLS: a fixed rate (latency measured from when each question
/// was due), then as fast as it answers, then rising rates until p99 passes the limit.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-api", abstract: "Benchmark the IND status query API over mutual TLS on loopback (run on a release build).")

    @Option(help: "Persons in the status store.") var persons = 250_000
    @Option(help: "The fixed rate to measure, questions per second.") var rate = 5_000.0
    @Option(help: "Seconds per measurement.") var seconds = 10
    @Option(help: "Keep-alive connections of the load generator.") var connections = 16
    @Option(help: "The p99 latency limit, in milliseconds, for the highest sustainable rate.") var p99Limit = 5.0
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-api"
    @OptionGroup var workspace: WorkspaceOptions

    func run() async throws {
        let base = URL(fileURLWithPath: dir).standardizedFileURL
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let port = try LoopbackPort.free()
        var yaml = try String(contentsOf: workspace.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: \(port)")
        let configURL = base.appendingPathComponent("ketenpoort.yaml")
        try yaml.write(to: configURL, atomically: true, encoding: .utf8)
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
        print("IND status query API, \(persons) persons in the status store (extract \(ingested.outcome.rawValue)), gateway on 127.0.0.1:\(port)")

        let gateway = Process()
        gateway.executableURL = ThisExecutable.url
        gateway.arguments = ["run", "--config", configURL.path, "--home", workspace.root.path]
        let log = base.appendingPathComponent("gateway.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        gateway.standardError = try FileHandle(forWritingTo: log)
        gateway.standardOutput = gateway.standardError
        try gateway.run()
        defer {
            gateway.terminate()
            gateway.waitUntilExit()
        }

        // The load generator shares the two cores with the gateway: at a higher priority its
        // threads wake when a question is due, so what is measured is the gateway's latency, not
        // the generator's own wait for a core (where allowed; the gateway keeps the default).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, -10)
        let url = URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1/statusvragen")!
        let tls = TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: "ind", in: pki), clientKey: DevPKI.privateKeyFile(for: "ind", in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
        var generator = SplitMix64(seed: 7)
        let bodies = (0..<4_096).map { _ in
            let bsn = DuoPopulationGenerator.bsn(Int(generator.next() % UInt64(persons)))
            return Data("{\"bsn\":\"\(bsn)\",\"doelbinding\":\"naturalisatie\",\"zaaknummer\":\"IND-2026-0001234\"}".utf8)
        }
        let headers = [(name: "Content-Type", value: "application/json")]
        try await Self.waitUntilAnswering(url: url, headers: headers, body: bodies[0], tls: tls)
        func measure(_ rate: Double?, seconds: Int) -> LoadGenerator.Result {
            LoadGenerator.run(url: url, headers: headers, bodies: bodies, tls: tls, connections: connections, rate: rate, duration: .seconds(seconds))
        }
        func report(_ label: String, _ result: LoadGenerator.Result) {
            print(
                String(
                    format: "  %@: %.0f questions/s, p50 %.2f ms, p99 %.2f ms, max %.1f ms, %d failed of %d", label, result.rate,
                    result.latency(quantile: 0.5), result.latency(quantile: 0.99), result.latencies.last ?? 0, result.failures, result.requests))
        }
        _ = measure(nil, seconds: 2)  // warm-up: connections, caches
        report(String(format: "fixed rate %.0f/s", rate), measure(rate, seconds: seconds))
        report("as fast as it answers (\(connections) connections)", measure(nil, seconds: seconds))
        var sustainable = 0.0
        var next = rate
        while true {
            let result = measure(next, seconds: max(3, seconds / 2))
            let holds = result.failures == 0 && result.rate >= next * 0.97 && result.latency(quantile: 0.99) < p99Limit
            report(String(format: "rising: %.0f/s %@", next, holds ? "holds" : "does not hold"), result)
            guard holds else { break }
            sustainable = next
            next *= 1.25
        }
        print(String(format: "  highest sustainable rate (p99 < %.1f ms, no failures): %.0f questions/s", p99Limit, sustainable))
    }

    /// Waits (at most 30 s) for the gateway process to answer a question.
    static func waitUntilAnswering(url: URL, headers: [(name: String, value: String)], body: Data, tls: TLSClientSettings) async throws {
        let client = CurlClient(threadCount: 1)
        defer { Task { await client.shutdown() } }
        for _ in 0..<300 {
            if let response = try? await client.post(url: url, headers: headers, body: body, tls: tls, timeout: .seconds(2)), response.status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ValidationError("the gateway did not answer within 30 s (see its log)")
    }
}
