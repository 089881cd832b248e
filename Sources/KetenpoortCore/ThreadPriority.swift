import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A thread's scheduling priority, set by the thread itself. On Linux the policy and the nice value
/// are per thread, and a thread starts with those of the thread that started it; elsewhere nothing
/// is set.
public enum ThreadPriority: Sendable, Equatable {
    /// The nice value `n` (-20 … 19; 0 is normal, lower is more urgent). A benchmark's load
    /// generator runs raised (-10), where allowed, so its own wait for a core is not measured.
    case niceness(Int32)
    /// Batch work — a night's sync, an ingest, deliveries: nice 10, so the IND's answers win a core
    /// whenever both want one.
    ///
    /// Not `SCHED_IDLE`, though it served the answers better in `bench-api --during-sync`: a thread
    /// inherits its creator's policy, and libdispatch starts its workers — Swift's cooperative pool
    /// among them — from whichever thread enqueues work when the pool needs one; a batch thread that
    /// resumes a continuation made the pool itself idle-class, and with it every request handler.
    /// libdispatch resets a worker's nice value by its QoS, not its policy, and an unprivileged
    /// thread cannot leave `SCHED_IDLE` again.
    case batch

    /// The nice value of batch work (0 is normal, 19 the lowest).
    public static let batchNiceness: Int32 = 10

    /// Sets it for the calling thread. Priorities are only ever lowered by `.batch`: batch work
    /// never raises a thread an operator lowered further.
    public func apply() {
        switch self {
        case .niceness(let niceness):
            Self.setNiceness(niceness)
        case .batch:
            Self.setNiceness(Self.batchNiceness, onlyLowering: true)
        }
    }

    /// Sets the calling thread's nice value to `niceness`. With `onlyLowering`, a thread already
    /// running nicer stays so.
    public static func setNiceness(_ niceness: Int32, onlyLowering: Bool = false) {
        #if os(Linux)
            // `who` 0 is the calling thread.
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            if onlyLowering && getpriority(which, 0) >= niceness { return }
            _ = setpriority(which, 0, niceness)
        #endif
    }
}
