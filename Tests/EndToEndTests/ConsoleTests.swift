import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import Testing

/// The operator console of a real `ketenpoort run`: reached with the dev PKI's operator certificate
/// in headless Chromium (Selenium), only by operators, and only by its own forms. A night is sealed,
/// every batch dead-lettered by a refusing municipality; the operator finds one, resends it and
/// sees it delivered — and the audit chain says who did.
@Suite("ketenpoort run: the operator console")
struct ConsoleTests {
    /// Where the browser's screenshots and page sources are kept.
    static let output = Repository.root.appendingPathComponent("test-output/console")

    @Test("an operator finds a dead letter in Chromium, resends it and sees it delivered; others are refused; no personal data on any page")
    func resendFromTheBrowser() async throws {
        let fixture = try await ConsoleFixture.start()
        defer { fixture.stop() }
        let deadLetters = try await fixture.sealNightAndDeadLetterIt()
        #expect(deadLetters.count >= 2, "\(deadLetters)")
        let chosen = try #require(deadLetters.first)

        // Only operators: the IND's certificate is refused, and a cross-site form is refused.
        let asIND = try await fixture.get("/", as: "ind")
        #expect(asIND.status == 403)
        let crossSite = try await fixture.post(
            "/batches/resend/confirm", form: "batch=\(chosen)", headers: [(name: "Sec-Fetch-Site", value: "cross-site")])
        #expect(crossSite.status == 403)
        let foreignOrigin = try await fixture.post(
            "/batches/resend/confirm", form: "batch=\(chosen)", headers: [(name: "Origin", value: "https://attacker.example")])
        #expect(foreignOrigin.status == 403)
        #expect(try await fixture.deadLetters().contains(chosen), "a refused form changed nothing")

        // The browser: overview → dead letters → select → confirm → delivered.
        fixture.refusing.withLock { $0 = false }
        try? FileManager.default.removeItem(at: Self.output)
        try FileManager.default.createDirectory(at: Self.output, withIntermediateDirectories: true)
        let python = try await PythonTool.executable("python", of: "console")
        let browser = try await PythonTool.run(
            python,
            [
                Repository.root.appendingPathComponent("tools/console-browser-test.py").path, "--url", "https://127.0.0.1:\(fixture.consolePort)/",
                "--ca", DevPKI.caCertificateFile(in: fixture.pki).path, "--cert", DevPKI.certificateFile(for: "beheer", in: fixture.pki).path,
                "--key", DevPKI.privateKeyFile(for: "beheer", in: fixture.pki).path, "--batch", chosen, "--out", Self.output.path, "--timeout", "120",
            ])
        #expect(browser.status == 0, "\(browser)")

        // Exactly the chosen batch arrived; the others still wait for an operator.
        #expect(fixture.receivedBatches() == [chosen])
        #expect(try await fixture.deadLetters() == Array(deadLetters.dropFirst()))
        // The audit chain names the operator of the resend, and stays intact.
        let entries = try await fixture.auditEntries()
        let resent = try #require(entries.first { $0.kind == "batch.resent" })
        #expect(resent.payload.contains(#""batch":"\#(chosen)""#))
        #expect(resent.payload.contains(#""operatorOIN":"\#(ConsoleFixture.operatorOIN)""#), "\(resent.payload)")
        #expect(resent.payload.contains(#""operator":"Functioneel beheer ketenpoort""#))
        let verify = try await CLI.runDetached(["audit", "verify", "--config", fixture.config.path])
        #expect(verify.status == 0, "\(verify)")

        // No BSN or any other lone 9-digit number (a hash's hex may hold nine digits in a row), nor a
        // name, on any page the browser saw.
        let pages = try FileManager.default.contentsOfDirectory(at: Self.output, includingPropertiesForKeys: nil).filter {
            $0.pathExtension == "html"
        }
        #expect(pages.count >= 5, "\(pages.map(\.lastPathComponent))")
        #expect(FileManager.default.fileExists(atPath: Self.output.appendingPathComponent("05-delivered.png").path))
        let persons = try ConsoleFixture.personalValues()
        for page in pages {
            let html = try String(contentsOf: page, encoding: .utf8)
            #expect(
                html.range(of: "(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])", options: .regularExpression) == nil,
                "\(page.lastPathComponent) shows a 9-digit number")
            for value in persons where html.contains(value) { Issue.record("\(page.lastPathComponent) shows '\(value)' of the snapshot") }
        }
        #expect(await fixture.stopGateway() == 0)
    }
}

extension ConsoleTests {
    @Test(
        "every page answers an operator without personal data; a connection test, a proof download, a verify and maintenance each land on the audit chain"
    )
    func pagesAndActions() async throws {
        let fixture = try await ConsoleFixture.start()
        defer { fixture.stop() }
        let batch = try #require(try await fixture.sealNightAndDeadLetterIt().first)
        let persons = try ConsoleFixture.personalValues()
        var seen: [String: String] = [:]
        for path in ["/", "/batches", "/batches?status=dead-lettered", "/batches/\(batch)", "/runs", "/incidents", "/partners", "/audit"] {
            let page = try await fixture.get(path)
            #expect(page.status == 200, "\(path)")
            #expect(page.header("Content-Security-Policy")?.hasPrefix("default-src 'none'") == true, "\(path)")
            #expect(page.header("Cache-Control") == "no-store", "\(path)")
            seen[path] = String(decoding: page.body, as: UTF8.self)
        }
        #expect(seen["/runs"]?.contains("<tr data-run=") == true, "the night's run is listed")
        #expect(seen["/batches/\(batch)"]?.contains("HTTP 400") == true, "the refused attempt is shown")

        // Found by its id, or by its run's: the night's six batches.
        let byID = try await fixture.post("/batches/find", form: "id=\(batch)")
        #expect(byID.status == 303 && byID.header("Location") == "/batches/\(batch)", "\(byID.status)")
        let byRun = try await fixture.post("/batches/find", form: "id=coa-gemeenten-20261122")
        #expect(byRun.header("Location") == "/batches?run=coa-gemeenten-20261122")
        let ofRun = String(decoding: try await fixture.get("/batches?run=coa-gemeenten-20261122").body, as: UTF8.self)
        #expect(ofRun.matches(of: /<tr data-batch=/).count == 6, "\(ofRun)")
        let notFound = try await fixture.post("/batches/find", form: "id=123456782")
        #expect(notFound.status == 404)
        #expect(!String(decoding: notFound.body, as: UTF8.self).contains("123456782"), "what was asked is not shown again")

        // A connection test: the receiver's handshake with gm0363's certificate, its expiry shown.
        let tested = try await fixture.post("/partners/gm0363/test", form: "")
        let testPage = String(decoding: tested.body, as: UTF8.self)
        #expect(tested.status == 200)
        #expect(testPage.contains("<span class=\"passed\">connected</span>"), "\(testPage)")
        #expect(testPage.contains("its certificate expires"))
        // The refused attempts' handshakes told each municipality's certificate expiry: /metrics has it per party.
        let metrics = try await fixture.client.get(
            url: URL(string: "https://127.0.0.1:\(fixture.apiPort)/metrics")!, tls: fixture.tls(as: "ind"), timeout: TestTimeout.answer)
        let metricsText = String(decoding: metrics.body, as: UTF8.self)
        for party in ["gateway", "gm0363", "gm0014"] {
            #expect(metricsText.contains(#"ketenpoort_certificate_expiry_seconds{party="\#(party)"}"#), "\(party): \(metricsText)")
        }

        // The proof of the batch, as `audit prove` writes it, in one tar file.
        #expect(try await fixture.get("/batches/\(batch)/proof").status != 200, "a GET exports nothing")
        let proof = try await fixture.post("/batches/\(batch)/proof", form: "")
        #expect(proof.status == 200)
        #expect(proof.header("Content-Type") == "application/x-tar")
        let archive = fixture.directory.file("proof.tar")
        try proof.body.write(to: archive)
        let listing = try await PythonTool.run(URL(fileURLWithPath: "/usr/bin/tar"), ["-tf", archive.path])
        #expect(listing.status == 0, "\(listing)")
        for file in ["proof.json", "README.md", "batch.jws", "checkpoint.jws"] {
            #expect(listing.stdout.contains("proof-\(batch)/\(file)"), "\(listing.stdout)")
        }
        // Verify now, and maintenance on and off again.
        let verified = try await fixture.post("/audit/verify", form: "")
        #expect(String(decoding: verified.body, as: UTF8.self).contains("<span class=\"intact\">intact</span>"))
        #expect(try await fixture.post("/maintenance", form: "mode=on").status == 303)
        let status = try await CLI.runDetached(["maintenance", "status", "--config", fixture.config.path])
        #expect(status.stdout.contains("is in maintenance since"), "\(status)")
        #expect(try await fixture.post("/maintenance", form: "mode=off").status == 303)
        for page in seen.values + [testPage] {
            #expect(page.range(of: "(?<![0-9A-Za-z])[0-9]{9}(?![0-9A-Za-z])", options: .regularExpression) == nil)
            for value in persons where page.contains(value) { Issue.record("a page shows '\(value)' of the snapshot") }
        }

        let actions = try await fixture.auditEntries().filter { $0.kind.hasPrefix("console.") || $0.kind.hasPrefix("maintenance.") }
        #expect(
            actions.map(\.kind) == [
                "console.connection-tested", "console.proof-exported", "console.audit-verified", "maintenance.on", "maintenance.off",
            ])
        #expect(actions.allSatisfy { $0.payload.contains(#""operatorOIN":"\#(ConsoleFixture.operatorOIN)""#) }, "\(actions.map(\.payload))")
        #expect(await fixture.stopGateway() == 0)
    }
}

/// One `ketenpoort run` node with the console on, delivering to a receiver on loopback that refuses
/// (400) while `refusing` holds.
final class ConsoleFixture: Sendable {
    static let sample = Repository.root.appendingPathComponent("adapters/coa/samples/tvs-export-20261122.csv")
    static let operatorOIN = "00000001003214372000"

    let directory: TempDirectory
    let pki: URL
    let config: URL
    let consolePort: Int
    /// The port of the node's API (and `/metrics`).
    let apiPort: Int
    let refusing = LockedValue(true)
    let client = CurlClient(threadCount: 2)
    private let serverTask: LockedValue<Task<Void, any Error>?> = LockedValue(nil)
    private let process = LockedValue<Process?>(nil)

    private init(directory: TempDirectory, pki: URL, config: URL, consolePort: Int, apiPort: Int) {
        self.apiPort = apiPort
        self.directory = directory
        self.pki = pki
        self.config = config
        self.consolePort = consolePort
    }

    /// The receiver running and the configuration written: the repository's parties, their
    /// endpoints on the receiver, the console and the API on free ports, no schedules.
    static func start() async throws -> ConsoleFixture {
        let directory = try TempDirectory()
        let consolePort = try LoopbackPort.free(), apiPort = try LoopbackPort.free()
        let pki = directory.file("var/pki")
        var yaml = try RunningGateway.repositoryConfiguration(apiPort: apiPort, withSchedules: false)
        let config = directory.file("ketenpoort.yaml")
        let fixture = ConsoleFixture(directory: directory, pki: pki, config: config, consolePort: consolePort, apiPort: apiPort)
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        _ = try DevPKI.initialize(directory: pki, parties: try GatewayConfiguration.load(contentsOf: config).devIdentities(), now: Date())
        let server = ReceiveServer(
            configuration: .init(
                directory: directory.file("received"), certificateChain: DevPKI.certificateFile(for: "gm0363", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "gm0363", in: pki), trustedCA: DevPKI.caCertificateFile(in: pki),
                faultHook: FaultHook { [refusing = fixture.refusing] _ in
                    refusing.withLock { $0 } ? .respond(status: 400, retryAfter: nil) : nil
                }, partyCertificates: pki),
            logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        fixture.serverTask.withLock { $0 = Task { try await server.run() } }
        let receiverPort = try await server.boundPort()
        yaml = yaml.replacingOccurrences(of: ".localhost:9443/", with: ".localhost:\(receiverPort)/")
        yaml += "\nconsole: { host: 127.0.0.1, port: \(consolePort) }\n"
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        return fixture
    }

    /// The night of the sample sealed by `sync`, then `run` started and every batch refused (400)
    /// by the receiver: the dead letters, as the console lists them.
    func sealNightAndDeadLetterIt() async throws -> [String] {
        let sync = try await CLI.runDetached(["sync", "coa-gemeenten", Self.sample.path, "--config", config.path])
        #expect(sync.status == 0, "\(sync)")
        try launch()
        return try await waitForDeadLetters()
    }

    /// Starts `ketenpoort run`.
    func launch() throws {
        let started = try CLI.launch(["run", "--config", config.path])
        process.withLock { $0 = started }
    }

    /// Mutual TLS as dev party `id`.
    func tls(as id: String) -> TLSClientSettings {
        TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: id, in: pki), clientKey: DevPKI.privateKeyFile(for: id, in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
    }

    func get(_ path: String, as id: String = "beheer") async throws -> HTTPResponse {
        try await client.get(url: URL(string: "https://127.0.0.1:\(consolePort)\(path)")!, tls: tls(as: id), timeout: TestTimeout.answer)
    }

    func post(_ path: String, form: String, headers: [(name: String, value: String)] = []) async throws -> HTTPResponse {
        try await client.post(
            url: URL(string: "https://127.0.0.1:\(consolePort)\(path)")!,
            headers: [(name: "Content-Type", value: "application/x-www-form-urlencoded")] + headers, body: Data(form.utf8), tls: tls(as: "beheer"),
            timeout: TestTimeout.answer)
    }

    /// The dead-lettered batches as the console lists them (newest first).
    func deadLetters() async throws -> [String] {
        guard let page = try? await get("/batches?status=dead-lettered"), page.status == 200 else { return [] }
        let html = String(decoding: page.body, as: UTF8.self)
        return html.matches(of: /<tr data-batch="([^"]+)"><td><input/).map { String($0.output.1) }
    }

    /// Waits (at most 60 s) until no batch is pending and at least one is dead-lettered, as the console shows.
    func waitForDeadLetters() async throws -> [String] {
        for _ in 0..<600 {
            let pending = try? await get("/batches?status=pending")
            let waiting = pending.map { String(decoding: $0.body, as: UTF8.self).contains("<tr data-batch=") } ?? true
            let dead = try await deadLetters()
            if !waiting, !dead.isEmpty { return dead }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw KetenpoortError(.transportServerUnavailable, "no dead letters appeared within 60 s")
    }

    /// The batch ids the receiver stored, sorted.
    func receivedBatches() -> [String] {
        let root = directory.file("received")
        let parties = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
        return parties.flatMap { party in
            ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(party).path)) ?? []).filter { $0.hasSuffix(".xml") }
                .map { String($0.dropLast(4)) }
        }.sorted()
    }

    /// Every audit entry, through the store the node uses.
    func auditEntries() async throws -> [AuditEntry] {
        let runtime = try GatewayRuntime(configuration: try GatewayConfiguration.load(contentsOf: config), workspaceRoot: Repository.root)
        return try await runtime.store.read { tx in
            var entries: [AuditEntry] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { entries.append($0) }
            return entries
        }
    }

    /// BSNs and names of the snapshot's persons.
    static func personalValues() throws -> [String] {
        let rows = try String(contentsOf: sample, encoding: .utf8).split(separator: "\n").dropFirst()
        return rows.flatMap { row -> [String] in
            let fields = row.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 3 else { return [] }
            return [fields[1], fields[2], fields[3]].filter { $0.count >= 4 }
        }
    }

    /// SIGTERM to the node; its exit status.
    func stopGateway() async -> Int32 {
        guard let process = process.withLock({ $0 }), process.isRunning else { return 0 }
        process.terminate()
        return await CLI.exitStatus(of: process)
    }

    /// Everything stopped and removed.
    func stop() {
        if let process = process.withLock({ $0 }), process.isRunning { kill(process.processIdentifier, SIGKILL) }
        serverTask.withLock { $0?.cancel() }
        directory.remove()
    }
}
