import Foundation

/// The machine's CPU time so far and how much of it the hypervisor took (`steal` in `/proc/stat`):
/// on a virtual machine a latency figure is only as good as the cores it had, so the benchmarks
/// print the share stolen beside each window.
struct CPUSteal {
    let total: UInt64
    let stolen: UInt64

    /// Now; nil where `/proc/stat` is not there.
    static func now() -> CPUSteal? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") })
        else { return nil }
        // user nice system idle iowait irq softirq steal …
        let values = line.split(separator: " ").dropFirst().compactMap { UInt64($0) }
        guard values.count >= 8 else { return nil }
        return CPUSteal(total: values.reduce(0, +), stolen: values[7])
    }

    /// The share of CPU time stolen between `earlier` and `later`, as "12 %"; "-" when unknown.
    static func share(from earlier: CPUSteal?, to later: CPUSteal?) -> String {
        guard let earlier, let later, later.total > earlier.total else { return "-" }
        return String(format: "%.0f %%", 100 * Double(later.stolen - earlier.stolen) / Double(later.total - earlier.total))
    }
}
