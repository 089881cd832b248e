import NIOCore
import NIOPosix

/// The event loops of the gateway's HTTPS listener (the IND's API and the inbox): half the cores,
/// at least one, for the life of the process — not NIO's shared group, which has one per core.
///
/// An event loop reads and writes the sockets (TLS, HTTP framing); an answer's own work runs on
/// Swift's cooperative pool (one thread per core) and its log entry on the log writer's thread.
/// With a loop per core as well, every core has two threads that each wake for a few sockets at a
/// time. Measured with `bench-api` on 2 cores (2026-12-04, interleaved runs at a fixed 5,000/s): one
/// loop held p99 3.47–6.34 ms at 0.20–0.21 ms of CPU per answer, two loops 3.99–12.95 ms at
/// 0.21–0.24 ms, one loop lower in 8 of 9 pairs; its highest rate at p99 < 5 ms 5,950 and 6,050/s
/// against 5,000 and 5,500/s in two pairs. While a 1,000,000-person night comes through the inbox
/// (1,000 answers/s), p99 6.5–7.1 ms in three runs and 31 ms in a fourth, against 6.6–12.5 ms.
enum ListenerEventLoops {
    /// The number of loops on a machine of `cores` cores.
    static func count(cores: Int) -> Int { max(1, cores / 2) }

    /// The number of loops on this machine.
    static let loops = count(cores: System.coreCount)

    static let group = MultiThreadedEventLoopGroup(numberOfThreads: loops)
}
