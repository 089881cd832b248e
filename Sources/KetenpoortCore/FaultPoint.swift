#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Named moments at which a crash test kills the process — the commit points of the nightly sync,
/// sealing and delivery — so a test chooses where the gateway dies instead of guessing when.
///
/// Honoured only when `KETENPOORT_TESTING=1`: then `KETENPOORT_FAULT=<point>:<n>` sends SIGKILL to
/// this process the n-th time `<point>` is reached (n counts from 1); `<point>:<n>:stop` sends it
/// SIGSTOP instead, so a test can act while the process is held exactly there (and SIGCONT it).
/// Without both variables `reached(_:)` does nothing.
public enum FaultPoint {
    private static let plan: (point: String, count: Int, signal: Int32)? = {
        guard let testing = getenv("KETENPOORT_TESTING"), String(cString: testing) == "1", let fault = getenv("KETENPOORT_FAULT") else { return nil }
        let parts = String(cString: fault).split(separator: ":").map(String.init)
        guard parts.count == 2 || parts.count == 3, let count = Int(parts[1]), count >= 1 else { return nil }
        let signal = parts.count == 3 && parts[2] == "stop" ? SIGSTOP : SIGKILL
        return (parts[0], count, signal)
    }()
    nonisolated(unsafe) private static var hits = 0
    nonisolated(unsafe) private static let lock: UnsafeMutablePointer<pthread_mutex_t> = {
        let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        return lock
    }()

    /// Marks that `point` was reached; kills (or stops) the process if the test asked for it here.
    public static func reached(_ point: String) {
        guard let plan, plan.point == point else { return }
        pthread_mutex_lock(lock)
        hits += 1
        let now = hits
        pthread_mutex_unlock(lock)
        // To this thread (tgkill): sent to the process, a stop is taken by whichever thread the
        // kernel picks, and this one runs on — past the point — until that thread is scheduled.
        if now == plan.count { raise(plan.signal) }
    }
}
