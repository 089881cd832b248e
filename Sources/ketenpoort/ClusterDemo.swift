import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Store

/// `ketenpoort demo --nodes N`: the two nights of the demo across N `ketenpoort run` nodes on a
/// PostgreSQL server of the demo's own — each night delivered by COA to another node's inbox — and
/// which node did what, read back from the audit chain.
struct ClusterDemo {
    let root: URL
    let configuration: GatewayConfiguration
    let nodes: Int

    func run() async throws {
        let folder = root.appendingPathComponent("var/cluster")
        try? FileManager.default.removeItem(at: folder)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let postgres = try TemporaryPostgres.start()
        defer { postgres.stop() }
        let roles = try postgres.makeRolesAndDatabase("ketenpoort")
        try StoreOpener.migrate(ownerConninfo: roles.owner)
        print("PostgreSQL 15 on 127.0.0.1:\(postgres.port), schema migrated as the owner role; the nodes connect as the gateway role")

        let names = (0..<nodes).map { "node-" + String(UnicodeScalar(UInt8(97 + $0))) }
        var ports: [Int] = []
        var processes: [Process] = []
        defer {
            for process in processes where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        for name in names {
            let port = try LoopbackPort.free()
            ports.append(port)
            let config = folder.appendingPathComponent("\(name).yaml")
            try nodeConfiguration(name: name, port: port, database: roles.gateway, folder: folder).write(
                to: config, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = ThisExecutable.url
            process.arguments = ["run", "--config", config.path, "--home", root.path]
            process.environment = ProcessInfo.processInfo.environment.merging(["KETENPOORT_NODE": name]) { $1 }
            FileManager.default.createFile(atPath: folder.appendingPathComponent("\(name).log").path, contents: nil)
            let log = try FileHandle(forWritingTo: folder.appendingPathComponent("\(name).log"))
            process.standardOutput = log
            process.standardError = log
            process.standardInput = FileHandle.nullDevice
            try process.run()
            processes.append(process)
            print("\(name): ketenpoort run, API on https://127.0.0.1:\(port), log in var/cluster/\(name).log")
        }
        let pki = configuration.identity.caBundle.deletingLastPathComponent()
        let client = CurlClient(threadCount: 2)
        defer { Task { await client.shutdown() } }
        func tls(_ party: String) -> TLSClientSettings {
            TLSClientSettings(
                clientCertificate: DevPKI.certificateFile(for: party, in: pki), clientKey: DevPKI.privateKeyFile(for: party, in: pki),
                trustedCA: DevPKI.caCertificateFile(in: pki))
        }
        for (index, port) in ports.enumerated() {
            var serving = false
            for _ in 0..<600 where !serving {
                let url = URL(string: "https://127.0.0.1:\(port)/api/inburgering/v1/openapi.json")!
                serving = (try? await client.get(url: url, tls: tls("ind"), timeout: .seconds(2)))?.status == 200
                if !serving { try await Task.sleep(for: .milliseconds(100)) }
            }
            guard serving else { throw KetenpoortError(.configurationInvalid, "\(names[index]) did not start: see var/cluster/\(names[index]).log") }
        }

        let store = try StoreOpener.open(try GatewayConfiguration.load(contentsOf: folder.appendingPathComponent("\(names[0]).yaml")).store)
        for (night, sample) in ["tvs-export-20261121.csv", "tvs-export-20261122.csv"].enumerated() {
            let node = night % nodes
            let body = try Data(contentsOf: root.appendingPathComponent("adapters/coa/samples/\(sample)"))
            let response = try await client.perform(
                CurlRequest(
                    url: URL(string: "https://127.0.0.1:\(ports[node])/api/inbox/v1/coa-tvs-export")!,
                    headers: [
                        ("Content-Type", "application/octet-stream"), ("Idempotency-Key", "coa-\(sample)"),
                        ("Content-Digest", ContentDigest.field(for: body)), ("Content-Disposition", "attachment; filename=\"\(sample)\""),
                    ], body: body, tls: tls("coa"), timeout: .seconds(120), connectTimeout: .seconds(5)))
            let receipt = (try? JSONSerialization.jsonObject(with: response.body) as? [String: Any]) ?? [:]
            print(
                "\nnight \(sample): COA → \(names[node])'s inbox: HTTP \(response.status), \(receipt["outcome"] ?? "?"), "
                    + "\(receipt["accepted"] ?? "?") accepted, \(receipt["quarantined"] ?? "?") quarantined")
            var pending = Int.max
            for _ in 0..<600 where pending > 0 {
                pending = try await store.read { try $0.batches(status: .pending).count }
                if pending > 0 { try await Task.sleep(for: .milliseconds(100)) }
            }
        }

        // Who did what: the audit chain names the node of every delivery attempt.
        let attempts = try await store.read { tx in
            var byNode: [String: [String: Int]] = [:]
            let last = try tx.lastAuditEntry()?.seq ?? 0
            try tx.forEachAuditEntry(from: 1, through: last) { entry in
                guard entry.kind == "delivery.attempt",
                    let payload = try? JSONSerialization.jsonObject(with: Data(entry.payload.utf8)) as? [String: Any],
                    let holder = payload["node"] as? String, let outcome = payload["outcome"] as? String
                else { return }
                byNode[String(holder.prefix { $0 != "/" }), default: [:]][outcome, default: 0] += 1
            }
            return byNode
        }
        let batches = try await store.read { try $0.batches(status: nil) }
        print("\n\(batches.count) batch(es) sealed, \(batches.filter { $0.status == .delivered }.count) delivered; attempts per node:")
        for name in names {
            let outcomes = attempts[name, default: [:]].sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
            print("  \(name): \(outcomes.isEmpty ? "none" : outcomes.joined(separator: ", "))")
        }
        for process in processes { process.terminate() }
        for process in processes {
            await withCheckedContinuation { continuation in
                Thread.detachNewThread {
                    process.waitUntilExit()
                    continuation.resume()
                }
            }
        }
        print("nodes stopped (SIGTERM); their logs are in var/cluster/")
    }

    /// Node `name`'s configuration: the gateway's identity and party registry as configured (paths
    /// made absolute), the shared database, its own API port and folder.
    func nodeConfiguration(name: String, port: Int, database: String, folder: URL) -> String {
        let identity = configuration.identity
        var yaml = """
            gateway: { oin: "\(identity.oin.value)", certificate: \(identity.certificate.path), key: \(identity.key.path), caBundle: \(identity.caBundle.path)\(identity.pseudonymKey.map { ", pseudonymKey: \($0.path)" } ?? "") }
            store: { engine: postgres, url: "\(database)", directory: \(folder.appendingPathComponent(name).path), node: \(name), poolSize: 4 }
            server: { host: 127.0.0.1, port: \(port) }
            delivery: { maxBatchRecords: \(configuration.delivery.maxBatchRecords), maxAttempts: \(configuration.delivery.maxAttempts), initialBackoffSeconds: 0, maxBackoffSeconds: 2, timeoutSeconds: 30 }
            parties:

            """
        for registered in configuration.registry.parties {
            let party = registered.party
            yaml += "  - { id: \(party.id), role: \(party.role.rawValue), oin: \"\(party.oin.value)\", name: \"\(party.name)\""
            if let gemeente = party.gemeente { yaml += ", gemeente: \(gemeente.value)" }
            if let endpoint = registered.endpoint { yaml += ", endpoint: \"\(endpoint.absoluteString)\"" }
            if let bundle = registered.caBundle { yaml += ", caBundle: \(bundle.path)" }
            yaml += " }\n"
        }
        return yaml
    }
}
