import ArgumentParser
import Foundation
import Gateway
import GatewayHTTP

/// `ketenpoort bench-baseline-server --config <yaml> --port <p>`: the floor `bench-api --baseline`
/// measures beside the gateway (`BaselineServer`), as a process of its own like `ketenpoort run`.
/// Runs until it is terminated.
struct BenchBaselineServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-baseline-server",
        abstract: "Serve a fixed status answer over the gateway's mutual-TLS stack, for bench-api's baseline.", shouldDisplay: false)

    @Option(help: "The gateway configuration whose certificate, key and CA bundle the listener uses.") var config: String
    @Option(help: "The port to listen on.") var port: Int
    @Option(help: "The address to listen on.") var host = "127.0.0.1"

    func run() async throws {
        let configuration = try GatewayConfiguration.load(contentsOf: URL(fileURLWithPath: config))
        try await BaselineServer(listener: configuration.mutualTLSListener(host: host, port: port)).run()
    }
}
