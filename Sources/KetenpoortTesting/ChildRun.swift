import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// One run of a program in a fresh process, measured from outside: its CPU time (user and system)
/// and peak resident memory as the kernel accounts them on exit (`wait4`), and the wall time from
/// start to exit. Spawned and reaped here, not through Foundation's `Process`, which learns that a
/// child ended from a descriptor the child inherits — one a daemon the child starts (`pg_ctl`'s
/// server) keeps open for as long as it runs.
public struct ChildRun: Sendable {
    public let userSeconds: Double
    public let systemSeconds: Double
    public let wallSeconds: Double
    public let peakResidentMiB: Double
    /// The exit code; nil when the process was ended by a signal.
    public let exitCode: Int32?

    public var cpuSeconds: Double { userSeconds + systemSeconds }

    /// Runs `program` (a path, or a name looked up in `PATH`) with `arguments` and waits for it;
    /// its standard input is empty, its output (standard output and error) goes to `output`.
    public static func measure(_ program: String, _ arguments: [String], output: String = "/dev/null") throws -> ChildRun {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, output, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO)
        // Nothing else of this process's: a child that outlives its command (pg_ctl's server, kept
        // for the whole test run) must not hold the pipes of children other threads are starting —
        // their readers would wait for an end of file that never comes.
        guard Self.addCloseFrom(&actions, STDERR_FILENO + 1) == 0 else { throw ChildRunError.cannotStart(program) }
        var argv: [UnsafeMutablePointer<CChar>?] = ([program] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let start = DispatchTime.now()
        let spawned = posix_spawnp(&pid, program, &actions, nil, &argv, environ)
        guard spawned == 0 else { throw ChildRunError.cannotStart(program) }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) < 0 {
            guard errno == EINTR else { throw ChildRunError.cannotWait(program) }
        }
        let wall = Double(DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1e9
        // The wait status: a normal exit has no signal number in the low 7 bits, the code above them.
        let exitCode: Int32? = status & 0x7F == 0 ? (status >> 8) & 0xFF : nil
        return ChildRun(
            userSeconds: Self.seconds(usage.ru_utime), systemSeconds: Self.seconds(usage.ru_stime), wallSeconds: wall,
            peakResidentMiB: Double(usage.ru_maxrss) / 1024, exitCode: exitCode)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which Swift's Glibc
    /// module does not declare.
    private static let addCloseFrom: @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32 = {
        guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else {
            fatalError("glibc without posix_spawn_file_actions_addclosefrom_np (2.34 or later is needed)")
        }
        return unsafeBitCast(symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
    }()

    private static func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
}

public enum ChildRunError: Error, CustomStringConvertible {
    case cannotStart(String)
    case cannotWait(String)

    public var description: String {
        switch self {
        case .cannotStart(let program): "cannot start \(program)"
        case .cannotWait(let program): "cannot wait for \(program)"
        }
    }
}
