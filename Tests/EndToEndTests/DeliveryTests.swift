import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import Store
import Testing

/// A gateway and one receiver on loopback serving every party as itself (`<id>.localhost`), both with the project's dev PKI.
struct DeliveryFixture {
    let directory: TempDirectory
    let received: URL
    let runtime: GatewayRuntime
    let server: ReceiveServer
    let serverTask: Task<Void, any Error>

    /// - Parameters:
    ///   - faultHook: decides each request's fault instead of `faultPlan`.
    ///   - delivery: settings of `delivery:` to change, e.g. `["timeoutSeconds": 60]`.
    static func start(
        faultPlan: FaultPlan? = nil, faultHook: FaultHook? = nil, pins: [String: String] = [:], delivery: [String: Int] = [:]
    ) async throws -> DeliveryFixture {
        let directory = try TempDirectory()
        let pki = directory.file("var/pki")
        let template = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        try template.write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
        let draft = try GatewayConfiguration.load(contentsOf: directory.file("ketenpoort.yaml"))
        _ = try DevPKI.initialize(
            directory: pki,
            parties: try draft.devIdentities(),
            now: Date())
        let received = directory.file("received")
        let roots = try PEMFiles.loadCertificates(pki.appendingPathComponent("ca.pem"))
        let server = ReceiveServer(
            configuration: .init(
                directory: received, certificateChain: DevPKI.certificateFile(for: "gm0363", in: pki),
                privateKey: DevPKI.privateKeyFile(for: "gm0363", in: pki),
                trustedCA: pki.appendingPathComponent("ca.pem"), faultPlan: faultPlan,
                verifier: { body, signature in _ = try await DetachedJWS.verify(jws: signature, payload: body, trustedRoots: roots, at: Date()) },
                faultHook: faultHook, partyCertificates: pki),
            logger: Logger(label: "receiver") { _ in SwiftLogNoOpLogHandler() })
        let serverTask = Task { try await server.run() }
        let port = try await server.boundPort()
        var yaml = template.replacingOccurrences(of: ".localhost:9443/", with: ".localhost:\(port)/")
        yaml = yaml.replacingOccurrences(of: "initialBackoffSeconds: 2", with: "initialBackoffSeconds: 0")
        yaml = yaml.replacingOccurrences(of: "maxBackoffSeconds: 600", with: "maxBackoffSeconds: 0")
        for (key, value) in delivery {
            yaml = yaml.replacingOccurrences(of: "\\b\(key): [0-9]+", with: "\(key): \(value)", options: .regularExpression)
        }
        for (party, pin) in pins {
            yaml = yaml.replacingOccurrences(
                of: "inbox/\(party)\", caBundle: var/pki/ca.pem }", with: "inbox/\(party)\", caBundle: var/pki/ca.pem, pin: \"\(pin)\" }")
        }
        try yaml.write(to: directory.file("ketenpoort.yaml"), atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: directory.file("ketenpoort.yaml"))
        let runtime = try GatewayRuntime(configuration: configuration, workspaceRoot: Repository.root, clock: SyncFixture.clock)
        return DeliveryFixture(directory: directory, received: received, runtime: runtime, server: server, serverTask: serverTask)
    }

    func stop() {
        serverTask.cancel()
        directory.remove()
    }

    func sync(_ sample: String) throws -> SyncReport { try runtime.coaGemeenteSync().run(input: Repository.sample("coa", sample)) }

    /// Delivers with a real clock for the retry waits (the sync used the fixed one).
    func deliver(_ client: CurlClient) async throws -> DeliveryWorker.Round {
        try await DeliveryWorker(store: runtime.store, configuration: runtime.configuration, client: client)
            .deliverUntilDone(deadline: Date().addingTimeInterval(60))
    }

    /// The batches the receiver stored (not their header fields or receipts), as "party/name".
    func receivedFiles() throws -> [String] {
        let manager = FileManager.default
        guard manager.fileExists(atPath: received.path) else { return [] }
        return try manager.contentsOfDirectory(atPath: received.path).flatMap { party in
            try manager.contentsOfDirectory(atPath: received.appendingPathComponent(party).path).filter {
                !$0.hasPrefix(".") && !$0.hasSuffix(".receipt.json") && !$0.hasSuffix(".headers")
            }.map { "\(party)/\($0)" }
        }.sorted()
    }

    func batches() throws -> [StoredBatch] { try runtime.store.read { try $0.storedBatches(status: nil) } }
}

@Suite("Delivery over mutual TLS", .serialized)
struct DeliveryTests {
    @Test("every batch reaches its municipality once, with exactly the sealed bytes")
    func delivered() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let client = CurlClient()
        let report = try fixture.sync("tvs-export-20261121.csv")
        let round = try await fixture.deliver(client)
        await client.shutdown()
        #expect(Set(round.delivered) == Set(report.batches))
        let files = try fixture.receivedFiles()
        #expect(files.count == report.batches.count)
        for batch in try fixture.batches() {
            #expect(batch.status == .delivered)
            let stored = try #require(files.first { $0.hasPrefix("\(batch.recipient)/\(batch.id)") })
            #expect(try Data(contentsOf: fixture.received.appendingPathComponent(stored)) == batch.payload)
        }
    }

    @Test("a receiver answering 503 and then 201 gets each batch once")
    func retried() async throws {
        let fixture = try await DeliveryFixture.start(faultPlan: .unavailable(first: 2, retryAfter: "0"))
        defer { fixture.stop() }
        let client = CurlClient()
        let report = try fixture.sync("tvs-export-20261121.csv")
        let round = try await fixture.deliver(client)
        await client.shutdown()
        #expect(round.deadLettered.isEmpty)
        #expect(Set(round.delivered) == Set(report.batches))
        #expect(try fixture.receivedFiles().count == report.batches.count)
        #expect(try fixture.batches().map(\.attempts).reduce(0, +) == report.batches.count + 2)
    }

    @Test("a 4xx dead-letters the batch; after the receiver recovers, a resend delivers it once")
    func deadLetterAndResend() async throws {
        let report: SyncReport
        let fixture = try await DeliveryFixture.start(faultPlan: FaultPlan(fault: .respond(status: 400, retryAfter: nil), count: 4))
        defer { fixture.stop() }
        report = try fixture.sync("tvs-export-20261121.csv")
        #expect(report.batches.count == 4)
        let client = CurlClient()
        let first = try await fixture.deliver(client)
        #expect(Set(first.deadLettered) == Set(report.batches))
        #expect(try fixture.receivedFiles().isEmpty)
        #expect(try fixture.batches().allSatisfy { $0.status == .deadLettered && $0.attempts == 1 })
        let deadLetters = DeadLetters(store: fixture.runtime.store, audit: fixture.runtime.auditChain(), clock: fixture.runtime.clock)
        for id in report.batches { #expect(try deadLetters.resend(id, by: .localUser) == .resent) }
        #expect(try deadLetters.resend("no-such-batch", by: .localUser) == .unknown)
        let resent = try await fixture.runtime.store.read { tx in
            var kinds: [String] = []
            try tx.forEachAuditEntry(from: 1, through: nil) { kinds.append($0.kind) }
            return kinds.filter { $0 == "batch.resent" }.count
        }
        #expect(resent == report.batches.count, "each resend is on the audit chain")
        let second = try await fixture.deliver(client)
        await client.shutdown()
        #expect(Set(second.delivered) == Set(report.batches))
        #expect(try fixture.receivedFiles().count == 4)
        #expect(try deadLetters.resend(report.batches[0], by: .localUser) == .refused(.delivered), "a delivered batch is not sent again")
    }

    @Test("a batch sent again after a crash (same id, same bytes) is answered 409 and counts as delivered, stored once")
    func idempotent() async throws {
        let fixture = try await DeliveryFixture.start()
        defer { fixture.stop() }
        let client = CurlClient()
        let report = try fixture.sync("tvs-export-20261121.csv")
        // As if the gateway died after the receiver stored the batches but before it recorded that:
        // each is sent exactly as the worker sends it, and stays pending in the outbox.
        let configuration = fixture.runtime.configuration
        for batch in try fixture.batches() {
            let party = try #require(configuration.registry.party(id: batch.recipient))
            let headers = try DeliveryHeaders(contentType: batch.contentType, batchID: batch.id, body: batch.payload, signature: batch.signature)
            let tls = TLSClientSettings(
                clientCertificate: configuration.identity.certificate, clientKey: configuration.identity.key, trustedCA: try #require(party.caBundle))
            let response = try await client.post(
                url: try #require(party.endpoint), headers: headers.fields, body: batch.payload, tls: tls, timeout: TestTimeout.answer)
            #expect(response.status == 201)
        }
        #expect(try fixture.batches().allSatisfy { $0.status == .pending })
        let again = try await fixture.deliver(client)
        await client.shutdown()
        #expect(Set(again.delivered) == Set(report.batches))
        #expect(try fixture.receivedFiles().count == report.batches.count)
    }

    @Test("a wrong pin is refused: nothing is sent, the batch is dead-lettered")
    func wrongPin() async throws {
        let fixture = try await DeliveryFixture.start(pins: ["gm0363": "sha256//" + Data(repeating: 7, count: 32).base64EncodedString()])
        defer { fixture.stop() }
        let client = CurlClient()
        _ = try fixture.sync("tvs-export-20261121.csv")
        let round = try await fixture.deliver(client)
        await client.shutdown()
        #expect(round.deadLettered.contains { $0.value.contains("GM0363") })
        #expect(try fixture.receivedFiles().allSatisfy { !$0.hasPrefix("gm0363/") })
        #expect(try fixture.batches().first { $0.recipient == "gm0363" }?.lastError?.contains("pin") == true)
    }
}
