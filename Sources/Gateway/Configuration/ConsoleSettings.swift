import Contracts
import Foundation
import KetenpoortCore

/// The `console:` section of `ketenpoort.yaml`: where `run` serves the operator console — HTTPS with
/// the gateway's own certificate, mutual TLS against its CA bundle, for the registry's parties of
/// role `operator` only.
///
/// ```yaml
/// console:
///   host: 127.0.0.1         # the default; an operator network's address in production
///   port: 8444
/// ```
public struct ConsoleSettings: Sendable {
    public let host: String
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    init(node: YAMLNode) throws {
        let port = try node.required("port").int()
        guard (0...65535).contains(port) else {
            throw try node.required("port").error("must be a port number (0–65535)", code: .configurationInvalid)
        }
        self.init(host: try node["host"]?.string() ?? "127.0.0.1", port: port)
    }
}
