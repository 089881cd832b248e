import Dispatch
import Foundation
import KetenpoortCore
import Logging
import Store

/// A store lease held around blocking work, so that of several nodes on one store only one does the
/// work at a time: taken (waiting while another holder has it — a holder that died stops renewing
/// and its lease runs out; one that was a process of this node is taken over at once), renewed on a timer every third of its duration, released at the end. The
/// work writes through a `FencedStore`: a node that paused past its lease writes nothing.
public enum HeldLease {
    /// Runs `body` holding lease `name` on `store`.
    @available(*, noasync, message: "blocks the calling thread while another holder has the lease")
    public static func run<T>(
        _ name: String, on store: any Store, holder: String = ProcessHolder.name, duration: TimeInterval,
        _ body: (FencedStore) throws -> T
    ) throws -> T {
        let logger = Logger(label: "ketenpoort.lease")
        var lease = try store.write { try $0.acquireLeaseTakingOverDead(name, holder: holder, for: duration) }
        if lease == nil { logger.info("another node holds the lease: waiting for it", metadata: ["lease": "\(name)"]) }
        while lease == nil {
            Thread.sleep(forTimeInterval: min(1, duration / 3))
            lease = try store.write { try $0.acquireLeaseTakingOverDead(name, holder: holder, for: duration) }
        }
        guard let lease else { preconditionFailure("the loop above ends with a lease") }
        return try hold(lease, on: store, duration: duration, logger: logger, body)
    }

    /// What `runIfFree` did: ran the body, or found the lease held by another (as it stands).
    public enum Attempt<T> {
        case ran(T)
        case heldByAnother(Lease?)
    }

    /// Runs `body` holding lease `name` on `store` when no other holder has it; does nothing and
    /// tells who holds it otherwise (a dead process of this node is taken over, as `run` does).
    @available(*, noasync, message: "blocks the calling thread for the store's transactions and the body")
    public static func runIfFree<T>(
        _ name: String, on store: any Store, holder: String = ProcessHolder.name, duration: TimeInterval,
        _ body: (FencedStore) throws -> T
    ) throws -> Attempt<T> {
        let taken = try store.write { tx -> (Lease?, Lease?) in
            if let lease = try tx.acquireLeaseTakingOverDead(name, holder: holder, for: duration) { return (lease, nil) }
            return (nil, try tx.lease(name))
        }
        guard let lease = taken.0 else { return .heldByAnother(taken.1) }
        return .ran(try hold(lease, on: store, duration: duration, logger: Logger(label: "ketenpoort.lease"), body))
    }

    /// Runs `body` under `lease`, renewing it, and releases it at the end.
    private static func hold<T>(
        _ lease: Lease, on store: any Store, duration: TimeInterval, logger: Logger, _ body: (FencedStore) throws -> T
    ) throws -> T {
        // The timer is started and stopped by a thread of normal policy: its queue's worker must not
        // be one a batch thread started (`NormalPolicyRelay`).
        let renewal = NormalPolicyRelay.runAndWait { Renewal(lease: lease, store: store, duration: duration, logger: logger) }
        defer {
            NormalPolicyRelay.runAndWait { renewal.stop() }
            do {
                try store.write { try $0.releaseLease(lease) }
            } catch {
                logger.warning("lease not released: it runs out by itself", metadata: ["lease": "\(lease.name)", "error": "\(error)"])
            }
        }
        return try body(FencedStore(store, lease: lease))
    }

    /// Renews a lease every third of its duration on a serial queue until stopped; once `stop()`
    /// returns no renewal runs any more (one after the release would take the lease anew).
    private final class Renewal: @unchecked Sendable {
        private let queue = DispatchQueue(label: "ketenpoort.lease.renewal")
        private let timer: any DispatchSourceTimer

        init(lease: Lease, store: any Store, duration: TimeInterval, logger: Logger) {
            timer = DispatchSource.makeTimerSource(queue: queue)
            timer.schedule(deadline: .now() + duration / 3, repeating: duration / 3)
            let timer = self.timer
            timer.setEventHandler {
                do {
                    if try !store.renewal({ try $0.extendLease(lease, for: duration) }) {
                        logger.error("lease lost while the work went on: its writes are refused", metadata: ["lease": "\(lease.name)"])
                        timer.cancel()
                    }
                } catch {
                    logger.warning("lease not renewed", metadata: ["lease": "\(lease.name)", "error": "\(error)"])
                }
            }
            timer.resume()
        }

        func stop() {
            queue.sync { timer.cancel() }
        }
    }
}
