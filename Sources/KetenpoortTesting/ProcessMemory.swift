import Foundation

/// This process's resident memory, for benchmarks.
public enum ProcessMemory {
    /// The process's peak resident set size.
    public static func peakResidentMiB() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_maxrss) / 1024
    }

    /// Starts the peak of `peakResidentSinceResetMiB()` afresh from the current resident size
    /// (Linux: `5` written to `/proc/self/clear_refs` resets VmHWM), so one phase of a benchmark
    /// can be measured after another.
    public static func resetPeakResident() {
        try? Data("5".utf8).write(to: URL(fileURLWithPath: "/proc/self/clear_refs"))
    }

    /// The peak resident size since `resetPeakResident()` (VmHWM); the process's peak when it cannot be read.
    public static func peakResidentSinceResetMiB() -> Double { status("VmHWM:") ?? peakResidentMiB() }

    /// The resident size now (VmRSS), 0 when it cannot be read.
    public static func residentMiB() -> Double { status("VmRSS:") ?? 0 }

    /// A size field of `/proc/self/status`, in MiB.
    private static func status(_ field: String) -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return nil }
        return kib / 1024
    }
}
