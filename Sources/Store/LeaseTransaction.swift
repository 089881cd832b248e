import Foundation
import KetenpoortCore

/// Named leases with a fencing epoch: how several nodes agree that one of them runs a job.
///
/// Time is the engine's (its clock, or the database's `now()`), never the caller's: nodes whose
/// clocks drift apart still agree on when a lease ends. A job takes its lease, checks the fence in
/// every transaction that writes its results (`checkFence`), and releases it when done; a node
/// that paused past its lease finds the fence moved and cannot write stale results.
public protocol LeaseTransaction {
    /// Takes lease `name` for `holder` for `duration` seconds, or renews it when `holder` still
    /// holds it (the epoch stays). A lease held by another and not expired is not taken: nil. Each
    /// new holding (first, after a release, after an expiry) gets the next epoch.
    func acquireLease(_ name: String, holder: String, for duration: TimeInterval) throws -> Lease?
    /// Moves the end of `lease` to `duration` seconds from now while it is current (same holder and
    /// epoch, not expired): true; false when it was lost (expired, released or taken over), and then
    /// nothing changes — a lapsed holding is not taken anew, its work is fenced off. Never waits for
    /// the holder's own transactions that checked the fence: a renewal queued behind a night's
    /// commits would let the lease run out under a live holder.
    func extendLease(_ lease: Lease, for duration: TimeInterval) throws -> Bool
    /// Ends `lease` so another may take it at once; nothing happens when it is no longer current.
    func releaseLease(_ lease: Lease) throws
    /// Throws `storeLeaseLost` unless `lease` is still current: same holder and epoch, not expired.
    func checkFence(_ lease: Lease) throws
    /// The lease `name` as it stands (expired or not), if it was ever taken.
    func lease(_ name: String) throws -> Lease?
}
