import Exchanges
import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import KetenpoortTesting
import Sealing
import Testing

/// `ketenpoort run` as an operator starts it: the repository's configuration on free ports, with
/// the dev PKI and a health port, in a folder of its own.
struct RunningGateway {
    let directory: TempDirectory
    let config: URL
    let configuration: GatewayConfiguration
    let pki: URL
    let port: Int
    let healthPort: Int
    let process: Process

    /// Starts it; `withSchedules: false` leaves the configuration's schedules out (a node that
    /// takes its files only through the HTTPS inbox); `environment` is added to the process's.
    static func start(withSchedules: Bool = true, environment: [String: String] = [:]) throws -> RunningGateway {
        let directory = try TempDirectory()
        let port = try LoopbackPort.free(), healthPort = try LoopbackPort.free()
        var yaml = try repositoryConfiguration(apiPort: port, withSchedules: withSchedules)
        yaml += "\nhealth: { port: \(healthPort), certificateDays: 14, minFreeMiB: 1 }\n"
        let config = directory.file("ketenpoort.yaml")
        try yaml.write(to: config, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(contentsOf: config)
        let pki = directory.file("var/pki")
        _ = try DevPKI.initialize(directory: pki, parties: try configuration.devIdentities(), now: Date())
        let process = try CLI.launch(["run", "--config", config.path], environment: environment)
        return RunningGateway(
            directory: directory, config: config, configuration: configuration, pki: pki, port: port, healthPort: healthPort, process: process)
    }

    /// The repository's `ketenpoort.yaml` with the API on `apiPort`; `withSchedules: false` leaves
    /// its schedules out.
    static func repositoryConfiguration(apiPort: Int, withSchedules: Bool) throws -> String {
        var yaml = try String(contentsOf: Repository.root.appendingPathComponent("ketenpoort.yaml"), encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "port: 8443", with: "port: \(apiPort)")
        if !withSchedules {
            let block = try #require(yaml.range(of: #"\nschedules:\n(  .*\n)+"#, options: .regularExpression))
            yaml.replaceSubrange(block, with: "\nschedules: []\n")
        }
        return yaml
    }

    /// Mutual TLS as party `id` of the dev PKI.
    func tls(as id: String) -> TLSClientSettings {
        TLSClientSettings(
            clientCertificate: DevPKI.certificateFile(for: id, in: pki), clientKey: DevPKI.privateKeyFile(for: id, in: pki),
            trustedCA: DevPKI.caCertificateFile(in: pki))
    }

    /// Waits (at most 20 s) until the node answers its liveness probe; whether it did.
    func waitUntilLive() async throws -> Bool {
        for _ in 0..<200 {
            if await PlainHTTPGet.get(port: healthPort, path: "/health/live")?.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGTERM, and the exit status; the folder removed.
    func stop() async -> Int32 {
        process.terminate()
        let status = await CLI.exitStatus(of: process)
        directory.remove()
        return status
    }
}
