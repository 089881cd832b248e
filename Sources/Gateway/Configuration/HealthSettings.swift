import Contracts
import Foundation
import KetenpoortCore

/// The `health:` section of `ketenpoort.yaml`: the plain-HTTP port a load balancer or Kubernetes
/// probes (`/health/live`, `/health/ready`; no caller certificate, no personal data), and what
/// readiness demands.
///
/// ```yaml
/// health:
///   host: 0.0.0.0           # default 127.0.0.1
///   port: 8081
///   certificateDays: 14     # not ready when the gateway's certificate expires sooner
///   minFreeMiB: 512         # not ready with less free space where the node keeps its files
/// ```
public struct HealthSettings: Sendable {
    public let host: String
    public let port: Int
    public let certificateDays: Int
    public let minFreeBytes: Int64

    public init(host: String = "127.0.0.1", port: Int, certificateDays: Int = 14, minFreeMiB: Int = 512) {
        self.host = host
        self.port = port
        self.certificateDays = certificateDays
        self.minFreeBytes = Int64(minFreeMiB) << 20
    }

    init(node: YAMLNode) throws {
        let port = try node.required("port").int()
        guard (0...65535).contains(port) else {
            throw try node.required("port").error("must be a port number (0–65535)", code: .configurationInvalid)
        }
        let days = try node["certificateDays"]?.int() ?? 14
        guard days >= 0 else { throw try node.required("certificateDays").error("must be 0 or more days", code: .configurationInvalid) }
        let free = try node["minFreeMiB"]?.int() ?? 512
        guard free >= 0 else { throw try node.required("minFreeMiB").error("must be 0 or more MiB", code: .configurationInvalid) }
        self.init(host: try node["host"]?.string() ?? "127.0.0.1", port: port, certificateDays: days, minFreeMiB: free)
    }
}
