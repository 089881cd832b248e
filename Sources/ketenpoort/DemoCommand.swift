import ArgumentParser
import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Logging
import Sealing
import ServiceLifecycle
import Store

/// `ketenpoort demo`: the nightly sync end to end on this machine — dev PKI, the municipalities'
/// endpoints on loopback, two nights of COA snapshots, sealed batches delivered over mutual TLS.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "Run two nights of the COA → municipalities sync against local endpoints (what `make run` does).")

    @Flag(help: "Start from an empty store (the configured store must lie under var/).") var fresh = false
    @Option(help: "Run the nights on this many `ketenpoort run` nodes sharing a PostgreSQL server of the demo's own (needs postgresql-15).")
    var nodes = 1
    @OptionGroup var gateway: GatewayOptions

    func validate() throws {
        guard (1...26).contains(nodes) else { throw ValidationError("--nodes is 1 (one process on SQLite) to 26") }
    }

    func run() async throws {
        let root = gateway.workspace.root
        let configURL = gateway.config.map { URL(fileURLWithPath: $0) } ?? root.appendingPathComponent("ketenpoort.yaml")
        let configuration = try GatewayConfiguration.load(contentsOf: configURL)
        let storePath = configuration.store.path.standardizedFileURL.path
        if fresh {
            guard storePath.contains("/var/") else { throw ValidationError("--fresh only removes a store under var/ (this one is \(storePath))") }
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: storePath + suffix) }
        }
        // 1. The dev PKI for the gateway and every party of the registry.
        let pki = configuration.identity.caBundle.deletingLastPathComponent()
        let identities = try configuration.devIdentities()
        let issued = try DevPKI.initialize(directory: pki, parties: identities, now: Date())
        print("dev PKI in \(pki.path): \(issued.created.count) file(s) created, \(issued.kept.count) kept")

        // 2. The municipalities' endpoints: one receiver on the port the registry names, verifying
        //    mutual TLS, the digest and the seal, and presenting each party's own certificate (SNI).
        guard let endpoint = configuration.registry.parties.compactMap(\.endpoint).first, let port = endpoint.port else {
            throw ValidationError("no party has an endpoint with a port in \(configURL.path)")
        }
        let received = root.appendingPathComponent("var/received")
        if fresh { try? FileManager.default.removeItem(at: received) }
        let roots = try PEMFiles.loadCertificates(configuration.identity.caBundle)
        let receiverID = configuration.registry.parties.first { $0.endpoint != nil }!.party.id
        let server = ReceiveServer(
            configuration: .init(
                port: port, directory: received, certificateChain: DevPKI.certificateFile(for: receiverID, in: pki),
                privateKey: DevPKI.privateKeyFile(for: receiverID, in: pki), trustedCA: configuration.identity.caBundle,
                verifier: { body, signature in _ = try await DetachedJWS.verify(jws: signature, payload: body, trustedRoots: roots, at: Date()) },
                partyCertificates: pki))
        let services = ServiceGroup(configuration: .init(services: [.init(service: server)], logger: Logger(label: "ketenpoort.demo")))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            _ = try await server.boundPort()
            print("municipality endpoints listening on https://<party>.localhost:\(port)/inbox/<party> (mutual TLS)\n")
            do {
                if nodes > 1 {
                    try await ClusterDemo(root: root, configuration: configuration, nodes: nodes).run()
                } else {
                    try await nights(configuration: configuration, root: root)
                }
            } catch {
                await services.triggerGracefulShutdown()
                throw error
            }
            await services.triggerGracefulShutdown()
            try await group.waitForAll()
            let store = nodes > 1 ? "the nodes' database was the demo's own and is gone" : "the store is \(storePath)"
            print("\ndelivered files lie in \(received.path)/<party>/<batch>.xml; \(store)")
        }
    }

    /// Two nights: the snapshots of 21 and 22 November, each synced and delivered.
    private func nights(configuration: GatewayConfiguration, root: URL) async throws {
        let runtime = try GatewayRuntime(configuration: configuration, workspaceRoot: root)
        let client = CurlClient()
        let worker = DeliveryWorker(store: runtime.store, configuration: configuration, client: client)
        for sample in ["tvs-export-20261121.csv", "tvs-export-20261122.csv"] {
            let input = root.appendingPathComponent("adapters/coa/samples/\(sample)")
            let report: SyncReport
            do {
                report = try runtime.coaGemeenteSync().run(input: input)
            } catch let error as KetenpoortError where error.code == .syncRefused || error.code == .syncAlreadyApplied {
                print("night \(sample): \(error.reason) (run `make run` again, or `ketenpoort demo --fresh`)")
                continue
            }
            print("== night of \(report.snapshotDate) ==")
            print(HumanReport.sync(report))
            let round = try await worker.deliverUntilDone(deadline: Date().addingTimeInterval(30))
            print(
                "  delivery: \(round.delivered.count) batch(es) delivered, \(round.deadLettered.count) dead-lettered, \(round.retrying.count) still pending"
            )
        }
        await client.shutdown()
    }
}
