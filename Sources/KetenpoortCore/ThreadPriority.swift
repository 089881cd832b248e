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
    /// Batch work — a night's sync, an ingest, deliveries: Linux's `SCHED_IDLE` policy, and nice 10
    /// as well. Such a thread gets a core only while no normal thread wants it, and gives it up the
    /// moment one wakes — the IND's answers never wait behind batch work for a core. Under a nice
    /// value alone a waking answer thread waited up to a time slice, and with several batch threads
    /// on two cores for tens of milliseconds (`bench-api --during-sync`). The batch thread still
    /// gets the cores the answers leave, which is nearly all of them; it is never starved for good.
    case batch

    /// `SCHED_IDLE` (sched.h; Swift's Glibc module leaves it out).
    static let idlePolicy: Int32 = 5
    /// The nice value batch work runs at besides `SCHED_IDLE` (the policy alone weighs it
    /// lowest; the nice value keeps it below normal work where the policy cannot be set).
    public static let batchNiceness: Int32 = 10

    /// Sets it for the calling thread. Priorities are only ever lowered by `.batch`: batch work
    /// never raises a thread an operator lowered further.
    public func apply() {
        switch self {
        case .niceness(let niceness):
            Self.setNiceness(niceness)
        case .batch:
            Self.setNiceness(Self.batchNiceness, onlyLowering: true)
            #if os(Linux)
                // pid 0: the calling thread. Any user may move a thread to SCHED_IDLE.
                var parameters = sched_param(sched_priority: 0)
                _ = sched_setscheduler(0, Self.idlePolicy, &parameters)
            #endif
        }
    }

    /// Whether the calling thread runs as batch work (`SCHED_IDLE`); false where that is unknown.
    public static var isBatch: Bool {
        #if os(Linux)
            return sched_getscheduler(0) == idlePolicy
        #else
            return false
        #endif
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
