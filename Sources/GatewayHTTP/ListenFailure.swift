import Foundation
import KetenpoortCore
import NIOCore

/// A server that cannot listen, as an operator needs to read it: which section's port, why, and
/// what to do — not NIO's `bind(descriptor:ptr:bytes:)` text.
public enum ListenFailure {
    /// `error` from starting the server of configuration section `section` on `host`:`port`, as a
    /// `transport.server-unavailable` error when it is the socket's; otherwise `error` itself.
    public static func explained(_ error: any Error, section: String, host: String, port: Int) -> any Error {
        guard let io = error as? IOError else { return error }
        let address = "\(host):\(port) (\(section).host, \(section).port)"
        switch io.errnoCode {
        case EADDRINUSE:
            return KetenpoortError(
                .transportServerUnavailable,
                "cannot listen on \(address): the port is in use — stop the program that holds it (another gateway?) or choose another port")
        case EADDRNOTAVAIL:
            return KetenpoortError(
                .transportServerUnavailable, "cannot listen on \(address): this host has no such address — correct \(section).host")
        case EACCES:
            return KetenpoortError(
                .transportServerUnavailable,
                "cannot listen on \(address): not permitted — a port below 1024 needs CAP_NET_BIND_SERVICE; choose one above")
        default:
            return KetenpoortError(.transportServerUnavailable, "cannot listen on \(address): \(String(cString: strerror(io.errnoCode)))")
        }
    }
}
