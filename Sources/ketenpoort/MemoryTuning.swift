import Foundation

/// glibc malloc settings for a long-running gateway with large, short-lived buffers.
enum MemoryTuning {
    /// Serves blocks above `bytes` from mmap, so they go back to the system when freed (glibc's
    /// `M_MMAP_THRESHOLD`, fixed: by default it rises to the largest block freed so far, and each
    /// thread's arena then keeps its peak). `mallopt` is looked up at run time: the Glibc module
    /// does not export `<malloc.h>`; elsewhere this does nothing.
    static func returnLargeBlocks(above bytes: Int32) {
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mmapThreshold: Int32 = -3  // M_MMAP_THRESHOLD in <malloc.h>
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mmapThreshold, bytes)
    }
}
