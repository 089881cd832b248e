import Foundation

/// Input files a benchmark generates for itself.
enum BenchInput {
    /// Writes `url` out to disk before the clock starts: a generated file left dirty in the page
    /// cache is written back by the kernel some 30 s later — in the middle of what is measured,
    /// where every fsync the gateway makes (an IND answer's processing-log commit) queues behind
    /// it. A partner's file sits on the partner's disk; its writeback is not the gateway's work.
    static func writeOut(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.synchronize()
    }
}
