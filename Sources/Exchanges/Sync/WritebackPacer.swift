import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Keeps a file's unwritten data small by syncing it every `interval` writes (a night's scratch
/// file: rows; an inbox upload: 1 MiB chunks). Neither needs durability, but left to the kernel
/// hundreds of megabytes are written back in bursts, and every fsync meanwhile — the
/// processing-log commit each IND answer waits for — queues behind them. Synced in steps, on the
/// batch job's own (lower-priority) thread, the disk never holds more than a step's worth ahead of
/// an answer.
package struct WritebackPacer {
    private let descriptor: Int32
    private let interval: Int
    private var rows = 0

    package init(file: URL, interval: Int = 32_768) {
        descriptor = open(file.path, O_RDONLY | O_CLOEXEC)
        self.interval = interval
    }

    /// Counts a write; syncs the file at every `interval`-th.
    package mutating func wrote() {
        rows += 1
        guard rows % interval == 0, descriptor >= 0 else { return }
        _ = fdatasync(descriptor)
    }

    /// Closes the file descriptor.
    package func close() {
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }
}
