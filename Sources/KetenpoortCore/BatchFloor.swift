import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A floor under batch work that runs `SCHED_IDLE` (`BatchPolicy.idle`): such a thread runs only
/// on a core nothing else wants, so a sustained load of normal policy (an IND overload, a busy
/// neighbour) would hold a night back for as long as it lasts. Once a `tick`, this looks at the
/// process's idle-class threads (`/proc/self/task`): one that was ready to run at the last look
/// and at this one, but got less than `starvedShare` of the tick's CPU time in between, runs the
/// next tick at nice 10 under the normal policy, then goes back to `SCHED_IDLE`. Starved, a
/// batch thread so gets about a twentieth of a core; otherwise nothing changes.
///
/// One thread of normal policy does the looking (`kp-batch-floor`); start it once, from the
/// command that serves answers (`ketenpoort run`). Linux only; elsewhere it does nothing.
public final class BatchFloor: Sendable {
    /// How often it looks.
    public let tick: Duration
    /// Below this share of a tick's CPU time, a thread ready to run throughout was starved.
    public static let starvedShare = 0.05

    private struct Sample {
        let cpuTicks: Int
        let isRunnable: Bool
    }

    private struct State {
        var samples: [Int32: Sample] = [:]
        /// Threads running this tick at nice 10, to go back to `SCHED_IDLE` at the next.
        var lifted: Set<Int32> = []
        var lifts = 0
        var isRefusalTold = false
    }

    private let state = LockedValue(State())
    private let isStopped = LockedValue(false)
    /// Which threads (by id) it looks at.
    private let watching: @Sendable (Int32) -> Bool
    /// Told once, the first time a starved thread could not be lifted (not allowed).
    private let onRefused: @Sendable () -> Void
    /// Told after each look that lifted threads, how many.
    private let onLift: @Sendable (Int) -> Void

    private init(
        tick: Duration, watching: @escaping @Sendable (Int32) -> Bool, onRefused: @escaping @Sendable () -> Void,
        onLift: @escaping @Sendable (Int) -> Void
    ) {
        self.tick = tick
        self.watching = watching
        self.onRefused = onRefused
        self.onLift = onLift
    }

    /// Starts looking, once a `tick`, until `stop()`; `watching` picks the threads (all by default);
    /// `onRefused` is told once when the system does not allow lifting a thread out of `SCHED_IDLE`;
    /// `onLift` how many threads a look lifted, when it lifted any (for the metrics).
    public static func start(
        tick: Duration = .seconds(1), watching: @escaping @Sendable (Int32) -> Bool = { _ in true },
        onRefused: @escaping @Sendable () -> Void = {}, onLift: @escaping @Sendable (Int) -> Void = { _ in }
    ) -> BatchFloor {
        let floor = BatchFloor(tick: tick, watching: watching, onRefused: onRefused, onLift: onLift)
        let thread = Thread {
            ThreadName.setCurrent("kp-batch-floor")
            while !floor.isStopped.withLock({ $0 }) {
                Thread.sleep(forTimeInterval: tick.seconds)
                floor.look()
            }
            floor.lowerLifted()
        }
        thread.start()
        return floor
    }

    /// Stops looking after the current tick; a thread lifted then goes back to `SCHED_IDLE`.
    public func stop() { isStopped.withLock { $0 = true } }

    /// Puts the threads lifted at the last look back under `SCHED_IDLE`.
    private func lowerLifted() {
        #if os(Linux)
            state.withLock { state in
                for thread in state.lifted { Self.setIdle(thread) }
                state.lifted = []
            }
        #endif
    }

    /// How many times a starved thread was lifted for a tick so far.
    public var lifts: Int { state.withLock { $0.lifts } }

    /// One look: lifted threads go back to `SCHED_IDLE`, starved idle-class threads are lifted.
    func look() {
        #if os(Linux)
            let starvedBelow = Int((Double(sysconf(Int32(_SC_CLK_TCK))) * tick.seconds * Self.starvedShare).rounded(.up))
            let justLowered = state.withLock { $0.lifted }
            lowerLifted()
            let lifted = state.withLock { state in
                var samples: [Int32: Sample] = [:]
                for (thread, stat) in Self.threads() where stat.policy == ThreadPriority.schedIdle && watching(thread) {
                    let sample = Sample(cpuTicks: stat.cpuTicks, isRunnable: stat.state == "R")
                    samples[thread] = sample
                    guard !justLowered.contains(thread), let last = state.samples[thread], last.isRunnable, sample.isRunnable,
                        sample.cpuTicks - last.cpuTicks < starvedBelow
                    else { continue }
                    if Self.lift(thread) {
                        state.lifted.insert(thread)
                        state.lifts += 1
                    } else if errno == EPERM && !state.isRefusalTold {
                        state.isRefusalTold = true
                        onRefused()
                    }
                }
                state.samples = samples
                return state.lifted.count
            }
            if lifted > 0 { onLift(lifted) }
        #endif
    }

    #if os(Linux)
        /// What `/proc/self/task/<id>/stat` says of a thread.
        struct ThreadStat {
            /// Its name (`comm`).
            let name: String
            let state: Character
            /// User and system time, in clock ticks.
            let cpuTicks: Int
            let policy: Int32
        }

        /// The process's threads, by id.
        static func threads() -> [(Int32, ThreadStat)] {
            let tasks = "/proc/self/task"
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return [] }
            return names.compactMap { name in
                guard let id = Int32(name), let text = try? String(contentsOfFile: "\(tasks)/\(name)/stat", encoding: .utf8),
                    let stat = parse(text)
                else { return nil }
                return (id, stat)
            }
        }

        /// Parses a `stat` line (proc(5)): the name in parentheses, then field 3 is the state,
        /// 14 and 15 the user and system time, 41 the policy.
        static func parse(_ line: String) -> ThreadStat? {
            guard let open = line.firstIndex(of: "("), let close = line.lastIndex(of: ")"), open < close else { return nil }
            let fields = line[line.index(after: close)...].split(separator: " ")
            guard fields.count > 38, let state = fields[0].first, let user = Int(fields[11]), let system = Int(fields[12]),
                let policy = Int32(fields[38])
            else { return nil }
            return ThreadStat(name: String(line[line.index(after: open)..<close]), state: state, cpuTicks: user + system, policy: policy)
        }

        /// Thread `id` to the normal policy at nice 10; false when refused (it ended, or not allowed).
        /// Leaving `SCHED_IDLE` needs `RLIMIT_NICE` to allow the thread's nice value (≥ 10: systemd
        /// `LimitNICE=+10`) or `CAP_SYS_NICE`, so the nice value is set first.
        private static func lift(_ id: Int32) -> Bool {
            _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), id_t(id), ThreadPriority.batchNiceness)
            var parameters = sched_param(sched_priority: 0)
            return sched_setscheduler(id, Int32(SCHED_OTHER), &parameters) == 0
        }

        /// Thread `id` back to `SCHED_IDLE` (nothing when it has ended).
        private static func setIdle(_ id: Int32) {
            var parameters = sched_param(sched_priority: 0)
            _ = sched_setscheduler(id, ThreadPriority.schedIdle, &parameters)
        }
    #endif
}
