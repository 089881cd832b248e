import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The CPU time (user + system) processes have used so far, from `/proc/<pid>/stat`: beside a
/// latency figure on a shared, noisy machine, the CPU the gateway spends per answer is the steadier
/// measure of what a change did to the real-time path.
enum ProcessCPU {
    /// The seconds of CPU `pids` used so far, together; nil where one cannot be read.
    static func seconds(_ pids: [Int32]) -> Double? {
        let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))
        var ticks: UInt64 = 0
        for pid in pids {
            guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let close = text.lastIndex(of: ")")
            else { return nil }
            // After the command's name: state (field 3) …, utime (14) and stime (15).
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 12, let user = UInt64(fields[11]), let system = UInt64(fields[12]) else { return nil }
            ticks += user + system
        }
        return ticksPerSecond > 0 ? Double(ticks) / ticksPerSecond : nil
    }
}
