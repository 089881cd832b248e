import NIOCore
import NIOPosix

/// The event loops of the gateway's HTTPS listener (the IND's API and the inbox): half the cores,
/// at least one, for the life of the process — not NIO's shared group, which has one per core.
///
/// An event loop reads and writes the sockets (TLS, HTTP framing); an answer's own work runs on
/// Swift's cooperative pool (one thread per core) and its log entry on the log writer's thread.
/// With a loop per core as well, every core has two threads that each wake for a few sockets at a
/// time. Measured with `bench-api` on 2 cores (2026-12-04, interleaved runs at a fixed 5,000/s): one
/// loop held p99 3.95–6.34 ms at 0.20–0.21 ms of CPU per answer, two loops 4.65–12.95 ms at
/// 0.21–0.24 ms — one loop lower in 8 of 9 pairs — and as fast as it answers, both ~7,550/s.
enum ListenerEventLoops {
    /// The number of loops on a machine of `cores` cores.
    static func count(cores: Int) -> Int { max(1, cores / 2) }

    /// The number of loops on this machine.
    static let loops = count(cores: System.coreCount)

    static let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
}
