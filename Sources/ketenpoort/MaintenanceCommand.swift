import ArgumentParser
import Exchanges
import Foundation
import Gateway
import GatewayHTTP
import KetenpoortCore

/// `ketenpoort maintenance on|off|status`: this node's maintenance mode. While on, its readiness
/// probe (`/health/ready`) answers 503, so a load balancer drains it; it goes on running. Each
/// change lands in the audit chain with the node and the operator.
struct MaintenanceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "maintenance", abstract: "Put this node in maintenance mode (its readiness probe drains it), take it out, or show it.")

    enum Action: String, ExpressibleByArgument, CaseIterable {
        case on, off, status
    }

    @Argument(help: "on, off or status.") var action: Action
    @OptionGroup var gateway: GatewayOptions

    func run() throws {
        let runtime = try gateway.runtime()
        let mode = runtime.maintenanceMode
        let node = ProcessHolder.node
        switch action {
        case .status:
            print(
                mode.since.map { "node \(node) is in maintenance since \(ISO8601DateFormatter().string(from: $0))" }
                    ?? "node \(node) is not in maintenance")
            return
        case .on, .off:
            let on = action == .on
            guard (mode.since != nil) != on else {
                print("node \(node) is \(on ? "in maintenance already" : "not in maintenance"): nothing changed")
                return
            }
            if on { try mode.turnOn() } else { try mode.turnOff() }
            let audit = runtime.auditChain()
            _ = try runtime.store.write { tx in try audit.append(.maintenance(on: on, node: node, by: .localUser), in: tx) }
            print(
                on
                    ? "node \(node) is in maintenance: /health/ready answers 503 until `ketenpoort maintenance off`"
                    : "node \(node) is out of maintenance: /health/ready answers as its checks say")
        }
    }
}
