import Foundation
import KetenpoortCore
import Store

#if canImport(Glibc)
    import Glibc
#endif

/// The name this process holds claims and leases under: node, process id and a random part, unique
/// among the nodes and processes sharing a store (a restarted process is a new holder). The node is
/// `KETENPOORT_NODE` when set (as a deployment names its nodes), the host name otherwise.
public enum ProcessHolder {
    public static let node: String = {
        let process = ProcessInfo.processInfo
        return process.environment["KETENPOORT_NODE"].flatMap { $0.isEmpty ? nil : $0 } ?? process.hostName
    }()

    public static let name = "\(node)/\(getpid())/\(UUID().uuidString.prefix(8))"

    /// Whether `holder` names a process of this node that no longer runs — a restarted gateway or a
    /// killed command: what it held can be taken over at once rather than when it runs out. False
    /// for another node's holder and whenever it cannot tell (the fence keeps a wrong guess harmless:
    /// a holder that still runs finds its writes refused).
    public static func isDeadLocalProcess(_ holder: String) -> Bool {
        let parts = holder.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == node, let pid = pid_t(parts[1]), pid > 0, pid != getpid() else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

extension LeaseTransaction {
    /// `acquireLease`; when another holds the lease and that holder is a dead process of this node,
    /// its lease is ended and taken at once.
    public func acquireLeaseTakingOverDead(_ name: String, holder: String, for duration: TimeInterval) throws -> Lease? {
        if let lease = try acquireLease(name, holder: holder, for: duration) { return lease }
        guard let current = try lease(name), ProcessHolder.isDeadLocalProcess(current.holder) else { return nil }
        try releaseLease(current)
        return try acquireLease(name, holder: holder, for: duration)
    }
}
