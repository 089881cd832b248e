import Foundation

/// The name this process holds claims and leases under: host, process id and a random part, unique
/// among the nodes and processes sharing a store (a restarted process is a new holder).
public enum ProcessHolder {
    public static let name = "\(ProcessInfo.processInfo.hostName)/\(ProcessInfo.processInfo.processIdentifier)/\(UUID().uuidString.prefix(8))"
}
