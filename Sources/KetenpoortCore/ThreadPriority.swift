import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A thread's scheduling priority, set by the thread itself. On Linux the policy and the nice value
/// are per thread, and a thread starts with those of the thread that started it; elsewhere nothing
/// is set.
public enum ThreadPriority: Sendable, Hashable {
    /// The nice value `n` (-20 … 19; 0 is normal, lower is more urgent). A benchmark's load
    /// generator runs raised (-10), where allowed, so its own wait for a core is not measured.
    case niceness(Int32)
    /// `SCHED_IDLE`: the thread runs only on a core no thread of normal policy wants. Where that is
    /// refused, nice `batchNiceness`.
    case idle
    /// At least nice `batchNiceness`: a thread an operator lowered further stays so.
    case lowered

    /// Batch work — a night's sync, an ingest, deliveries — as `BatchPolicy.current` says here.
    /// Resolve it on the thread that starts the batch thread: the policy can be the task's.
    public static var batch: ThreadPriority { BatchPolicy.current == .idle ? .idle : .lowered }

    /// The nice value of batch work under `BatchPolicy.nice`, and where `SCHED_IDLE` is refused.
    public static let batchNiceness: Int32 = 10

    /// `SCHED_IDLE` in Linux's `<sched.h>` (not visible to Swift).
    static let schedIdle: Int32 = 5

    /// Sets it for the calling thread.
    public func apply() {
        switch self {
        case .niceness(let niceness):
            Self.setNiceness(niceness)
        case .idle:
            if !Self.setIdle() { Self.setNiceness(Self.batchNiceness, onlyLowering: true) }
        case .lowered:
            Self.setNiceness(Self.batchNiceness, onlyLowering: true)
        }
    }

    /// Whether the calling thread runs under `SCHED_IDLE`.
    public static var isCurrentThreadIdle: Bool {
        #if os(Linux)
            return sched_getscheduler(0) == schedIdle
        #else
            return false
        #endif
    }

    /// Whether the calling thread runs below normal: under `SCHED_IDLE`, or at a nice value above 0
    /// (a batch thread under `BatchPolicy.nice`, or one `BatchFloor` lifted for a moment).
    public static var isCurrentThreadLowered: Bool {
        #if os(Linux)
            return isCurrentThreadIdle || currentNiceness > 0
        #else
            return false
        #endif
    }

    /// Puts the calling thread back at normal policy and nice 0 where the system allows it
    /// (`CAP_SYS_NICE`, or an `RLIMIT_NICE` of 20); true when it runs at normal afterwards.
    static func tryRestoringNormal() -> Bool {
        #if os(Linux)
            var parameters = sched_param(sched_priority: 0)
            if isCurrentThreadIdle { _ = sched_setscheduler(0, SCHED_OTHER, &parameters) }
            setNiceness(0)
        #endif
        return !isCurrentThreadLowered
    }

    /// Puts the calling thread under `SCHED_IDLE`; false where refused or not on Linux.
    private static func setIdle() -> Bool {
        #if os(Linux)
            var parameters = sched_param(sched_priority: 0)
            return sched_setscheduler(0, schedIdle, &parameters) == 0
        #else
            return false
        #endif
    }

    /// The calling thread's nice value (0 where not on Linux).
    public static var currentNiceness: Int32 {
        #if os(Linux)
            // `who` 0 is the calling thread.
            return getpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0)
        #else
            return 0
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
