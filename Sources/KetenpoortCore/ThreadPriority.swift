import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The calling thread's scheduling priority. On Linux a nice value is per thread, so batch work,
/// deliveries and a benchmark's load generator each set their own threads'; elsewhere nothing.
public enum ThreadPriority {
    /// Sets the calling thread's nice value to `niceness`. With `onlyLowering`, a thread already
    /// running nicer stays so (batch work never raises a priority an operator lowered).
    public static func setNiceness(_ niceness: Int32, onlyLowering: Bool = false) {
        #if os(Linux)
            // `who` 0 is the calling thread.
            let which = __priority_which_t(PRIO_PROCESS.rawValue)
            if onlyLowering && getpriority(which, 0) >= niceness { return }
            _ = setpriority(which, 0, niceness)
        #endif
    }
}
