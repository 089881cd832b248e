import KetenpoortCore

/// The cancellation flag of one transfer: set from async code, read by libcurl's progress callback.
final class TransferControl: Sendable {
    private let cancelled = LockedValue(false)

    /// Whether the transfer should stop.
    var isCancelled: Bool { cancelled.withLock { $0 } }

    /// Asks the transfer to stop at libcurl's next progress call.
    func cancel() { cancelled.withLock { $0 = true } }
}
