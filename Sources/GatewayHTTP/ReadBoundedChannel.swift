import HummingbirdCore
import Logging
import NIOCore

/// A server child channel that reads at most `maxMessagesPerRead` times from its socket per turn of
/// its event loop (NIO's default is 4), then sets up `base`.
///
/// One read takes up to 64 KiB. With four, a fast upload to the inbox decrypted up to 256 KiB per
/// turn into one TLS plaintext buffer, which the IND's questions on the same loop waited behind.
/// And because that buffer is still held downstream when the next turn begins, every turn
/// allocates a new one: at 256 KiB from `mmap` (`MemoryTuning`), so each turn faulted in fresh
/// zeroed pages and later unmapped them, a TLB shootdown that interrupts the other core as well.
/// The IND's slowest second during a DUO extract's upload was the upload's own. Measured with
/// `bench-api --during-duo 250000`, five interleaved pairs (2026-12-04): that second's p99
/// 6.7–27.4 ms with four reads, 3.2–5.9 ms with one; the gateway's `munmap` calls 118–145 against
/// 42–43. A 1,000,000-person snapshot's upload and night were no slower.
struct ReadBoundedChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value

    let base: Base
    let maxMessagesPerRead: UInt

    /// Called on the channel's event loop, where setting an option completes at once.
    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.setOption(ChannelOptions.maxMessagesPerRead, value: maxMessagesPerRead).flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}
