import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing

/// Three `ketenpoort run` nodes on one PostgreSQL database, each with its own folder and API port,
/// delivering to one receiver on loopback that serves the 24 municipalities of `CrashFixture`. The
/// nodes are processes of their own, so a test can kill, stop and restart them.
final class ClusterFixture: @unchecked Sendable {
    static let names = ["node-a", "node-b", "node-c"]
    let directory: TempDirectory
    let pki: URL
    let database: SharedPostgres.Database
    let received: URL
    let serverTask: Task<Void, any Error>
    let ports: [Int]
    let client = CurlClient(threadCount: 2)
    private let processes = LockedValue<[Int: Process]>([:])

    /// The shared folder a scheduled job watches (empty unless a test puts a snapshot in it).
    var dropFolder: URL { directory.file("drop") }

    private init(
        directory: TempDirectory, pki: URL, database: SharedPostgres.Database, received: URL, serverTask: Task<Void, any Error>, ports: [Int]
    ) {
        self.directory = directory
        self.pki = pki
        self.database = database
        self.received = received
        self.serverTask = serverTask
        self.ports = ports
    }

    /// The PKI of the gateway, COA, the IND and the 24 municipalities.
    static func makePKI(in folder: URL) throws {
        let identities =
            [
                try DevPKI.Identity(id: "gateway", oin: OIN("00000001234567890000")!, organisation: "ketenpoort"),
                try DevPKI.Identity(id: "coa", oin: OIN("00000001003214345000")!, organisation: "COA"),
                try DevPKI.Identity(id: "ind", oin: OIN("00000001003214369000")!, organisation: "IND"),
            ]
            + (try (1...CrashFixture.municipalities).map { index in
                try DevPKI.Identity(
                    id: "gm" + String(format: "%04d", index), oin: OIN("0000000100" + String(format: "%06d", index) + "0000")!,
                    organisation: "Gemeente \(index)")
            })
        _ = try DevPKI.initialize(directory: folder, parties: identities, now: Date())
    }

    /// A new database, the receiver (its requests passed through `hook`) and the nodes' configurations
    /// (`schedules` as YAML list items, for every node); no node is started yet.
    static func start(pki: URL, hook: FaultHook? = nil, schedules: [String] = [], leaseSeconds: Int = 10) async throws -> ClusterFixture {
        let directory = try TempDirectory()
        let database = try await SharedPostgres.database()
        let received = directory.file("received")
        let server = ReceiveServer(
            configuration: .init(
                directory: received, certificateChain: DevPKI.certificateFile(for: "gm0001", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "gm0001", in: pki), trustedCA: DevPKI.caCertificateFile(in: pki),
                faultHook: hook, partyCertificates: pki),
            logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        let serverTask = Task { try await server.run() }
        let port = try await server.boundPort()
        try FileManager.default.createDirectory(at: directory.file("drop"), withIntermediateDirectories: true)
        var ports: [Int] = []
        for name in names {
            let apiPort = try LoopbackPort.free()
            ports.append(apiPort)
            var yaml = """
                gateway: { oin: "00000001234567890000", certificate: \(pki.path)/gateway.pem, key: \(pki.path)/gateway-key.pem, caBundle: \(pki.path)/ca.pem, pseudonymKey: \(pki.path)/pseudonym.key }
                store: { engine: postgres, url: "\(database.gateway)", directory: \(directory.file(name).path), node: \(name), poolSize: 4 }
                server: { host: 127.0.0.1, port: \(apiPort) }
                scheduler: { leaseSeconds: \(leaseSeconds) }
                delivery: { maxBatchRecords: 50, maxAttempts: 50, initialBackoffSeconds: 0, maxBackoffSeconds: 1, timeoutSeconds: 600, claimSeconds: 10 }
                schedules:\(schedules.isEmpty ? " []" : "")

                """
            for schedule in schedules { yaml += "  - \(schedule)\n" }
            yaml += """
                parties:
                  - { id: coa, role: coa, oin: "00000001003214345000", name: COA }
                  - { id: ind, role: ind, oin: "00000001003214369000", name: IND }

                """
            for index in 1...CrashFixture.municipalities {
                let id = "gm" + String(format: "%04d", index)
                yaml += "  - { id: \(id), role: gemeente, gemeente: \(id.uppercased()), oin: \"0000000100\(String(format: "%06d", index))0000\", "
                yaml += "endpoint: \"https://\(DevPKI.hostName(for: id)):\(port)/inbox/\(id)\", caBundle: \(pki.path)/ca.pem }\n"
            }
            try yaml.write(to: directory.file("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        return ClusterFixture(directory: directory, pki: pki, database: database, received: received, serverTask: serverTask, ports: ports)
    }

    func config(_ node: Int) -> URL { directory.file("\(Self.names[node]).yaml") }

    /// Where node `node` writes its log (appended to across its restarts).
    func logFile(_ node: Int) -> URL { directory.file("\(Self.names[node]).log") }

    /// Starts node `node` (`ketenpoort run`), with a fault from `FaultPoint` when given; it logs to `logFile`.
    @discardableResult
    func launch(_ node: Int, fault: String? = nil) throws -> Process {
        let process = Process()
        process.executableURL = try CLI.binary()
        process.arguments = ["run", "--config", config(node).path]
        var environment = ProcessInfo.processInfo.environment
        environment["KETENPOORT_HOME"] = Repository.root.path
        environment["KETENPOORT_NODE"] = Self.names[node]
        environment["KETENPOORT_LOG_LEVEL"] = "info"
        if let fault {
            environment["KETENPOORT_TESTING"] = "1"
            environment["KETENPOORT_FAULT"] = fault
        }
        process.environment = environment
        if !FileManager.default.fileExists(atPath: logFile(node).path) {
            _ = FileManager.default.createFile(atPath: logFile(node).path, contents: nil)
        }
        let log = try FileHandle(forWritingTo: logFile(node))
        log.seekToEndOfFile()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = log
        process.standardError = log
        try process.run()
        try log.close()
        processes.withLock { $0[node] = process }
        return process
    }

    func process(_ node: Int) -> Process? { processes.withLock { $0[node] } }

    /// Kills node `node` (SIGKILL) and waits until it is gone.
    func kill(_ node: Int) async {
        guard let process = process(node), process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        _ = await CLI.exitStatus(of: process)
    }

    /// Stops node `node` gracefully (SIGTERM) and gives its exit status.
    func terminate(_ node: Int) async -> Int32? {
        guard let process = process(node) else { return nil }
        if process.isRunning { process.terminate() }
        return await CLI.exitStatus(of: process)
    }

    /// Whether node `node` is held by SIGSTOP (state `T` in /proc).
    func isStopped(_ node: Int) -> Bool {
        guard let process = process(node), let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(close, offsetBy: 2)] == "T"
    }

    /// Waits until node `node` answers on its API (its OpenAPI document), at most `seconds`.
    func waitUntilServing(_ node: Int, seconds: Double = 120) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if let process = process(node), !process.isRunning { return false }
            let response = try? await client.get(
                url: URL(string: "https://127.0.0.1:\(ports[node])/api/inburgering/v1/openapi.json")!, tls: tls("ind"), timeout: .seconds(5))
            if response?.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    func tls(_ party: String) -> TLSClientSettings {
        TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: party, in: pki), clientKey: DevPKI.privateKeyFile(for: party, in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
    }

    /// COA delivers `file` to node `node`'s inbox (formats.md §8), under Idempotency-Key `key`.
    func deliver(_ file: URL, key: String, to node: Int) async throws -> HTTPResponse {
        let body = try Data(contentsOf: file)
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "application/octet-stream"), ("Idempotency-Key", key), ("Content-Digest", ContentDigest.field(for: body)),
            ("Content-Disposition", "attachment; filename=\"\(file.lastPathComponent)\""),
        ]
        while true {
            let response = try await client.perform(
                CurlRequest(
                    url: URL(string: "https://127.0.0.1:\(ports[node])/api/inbox/v1/coa-tvs-export")!, headers: headers, body: body,
                    tls: tls("coa"), timeout: .seconds(900), connectTimeout: .seconds(5)))
            // Another node holds the key (a node killed while it took the file in, until its lease
            // runs out): asked again after `Retry-After`, as COA's client does.
            guard response.status == 503, let seconds = response.header("Retry-After").flatMap(Int.init) else { return response }
            try await Task.sleep(for: .seconds(seconds))
        }
    }

    /// The IND asks node `node` one status question; the HTTP status, or nil when it got no answer.
    func ask(_ node: Int, bsn: String) async -> Int? {
        let question = try! JSONSerialization.data(withJSONObject: ["doelbinding": "naturalisatie", "zaaknummer": "IND-2026-0000001", "bsn": bsn])
        let response = try? await client.perform(
            CurlRequest(
                url: URL(string: "https://127.0.0.1:\(ports[node])/api/inburgering/v1/statusvragen")!,
                headers: [("Content-Type", "application/json")], body: question, tls: tls("ind"), timeout: TestTimeout.answer,
                connectTimeout: .seconds(5)))
        return response?.status
    }

    /// `ketenpoort <arguments> --config <node-a's configuration>`.
    func cli(_ arguments: [String]) async throws -> CLI.Output {
        try await CLI.runDetached(arguments + ["--config", config(0).path])
    }

    /// The last lines of each node's log, for a test that failed.
    func logTails(lines: Int = 40) -> String {
        Self.names.indices.map { node in
            let log = (try? String(contentsOf: logFile(node), encoding: .utf8)) ?? ""
            let tail = log.split(separator: "\n").filter { !$0.contains("question") }.suffix(lines).joined(separator: "\n")
            return "--- \(Self.names[node]) (last \(lines) lines)\n\(tail)"
        }.joined(separator: "\n")
    }

    func stop() async {
        for node in Self.names.indices { await kill(node) }
        await client.shutdown()
        serverTask.cancel()
        database.drop()
        directory.remove()
    }
}
