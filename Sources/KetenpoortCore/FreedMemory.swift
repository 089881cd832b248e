#if canImport(Glibc)
    import Glibc
#endif

/// Hands the pages of freed heap memory back to the system (glibc's `malloc_trim(0)`): each
/// thread's malloc arena otherwise keeps the pages of what it once held, and a night that seals on
/// one thread, commits on another and delivers on several keeps the sum of their peaks. Call it
/// after a large group of buffers has been freed (a few hundred times a night, not per record).
/// Looked up at run time, as the Glibc module does not export `<malloc.h>`; elsewhere it does nothing.
public enum FreedMemory {
    private typealias Trim = @convention(c) (Int) -> Int32

    nonisolated(unsafe) private static let trim: Trim? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim").map {
        unsafeBitCast($0, to: Trim.self)
    }

    /// Whether the C library has `malloc_trim` (glibc).
    public static var isAvailable: Bool { trim != nil }

    public static func returnToSystem() { _ = trim?(0) }

    private typealias Option = @convention(c) (Int32, Int32) -> Int32

    nonisolated(unsafe) private static let option: Option? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt").map {
        unsafeBitCast($0, to: Option.self)
    }

    /// The opposite, for a process whose memory is not bounded but whose time counts (a stand-in
    /// receiver beside the gateway on one machine): large buffers come from the heap and their
    /// pages stay with it (`M_MMAP_THRESHOLD`, `M_TRIM_THRESHOLD` of 256 MiB), so a buffer freed is
    /// reused by the next instead of unmapped and faulted in, zeroed, again.
    public static func keepForReuse() {
        let megabytes256: Int32 = 256 << 20
        _ = option?(-3, megabytes256)  // M_MMAP_THRESHOLD
        _ = option?(-1, megabytes256)  // M_TRIM_THRESHOLD
    }
}
