#if canImport(Glibc)
    import Glibc
#endif

/// Names the calling thread as `ps -L`, `top -H` and `perf` show it. On Linux a thread keeps the
/// name of the thread that started it until it sets its own, and Foundation's `Thread.name` does
/// not reach the system there; a name is cut to 15 bytes.
public enum ThreadName {
    public static func setCurrent(_ name: String) {
        #if os(Linux)
            // `pthread_setname_np` and `prctl` are not visible to Swift; the thread's own `comm` is.
            let fd = open("/proc/thread-self/comm", O_WRONLY)
            guard fd >= 0 else { return }
            defer { close(fd) }
            let bytes = Array(name.utf8.prefix(15))
            _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        #endif
    }
}
