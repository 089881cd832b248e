import ArgumentParser
import Foundation
import KetenpoortTesting

/// `ketenpoort bench`: generates COA snapshots and measures `translate` and `validate` as users run
/// them — this binary started afresh for every run, with the real arguments, its output files
/// written to a temporary directory — beside `sha256sum` of the same file, the floor for anything
/// that reads the file and hashes it.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark the translate and validate commands on COA snapshots (run on a release build)."
    )

    @Option(help: "Snapshot sizes to measure.") var rows: [Int] = [10_900, 1_000_000]
    @Option(help: "Runs per command and size (each in a fresh process); the median run is reported.") var runs = 3
    @Option(help: "Where generated snapshots are kept.") var dir = "var/bench"
    @OptionGroup var workspace: WorkspaceOptions

    /// A measured command: what it is called in the report, and its arguments for a snapshot and a
    /// scratch output directory.
    struct Subject {
        let name: String
        let program: String
        let arguments: (_ file: String, _ out: String) -> [String]
    }

    /// The median run of one subject on one snapshot.
    struct Measurement {
        let rows: Int
        let subject: String
        let median: ChildRun
        /// CPU seconds of every run, in the order they ran.
        let cpuSeconds: [Double]

        var recordsPerCPUSecond: Double { Double(rows) / median.cpuSeconds }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let home = workspace.root.path
        let binary = ThisExecutable.url.path
        let subjects = [
            Subject(name: "translate", program: binary) { ["translate", "--from", "coa", "--to", "gemeente", $0, "--out", $1, "--home", home] },
            Subject(name: "validate", program: binary) { file, _ in ["validate", "--contract", "coa-tvs-export", file, "--home", home] },
            Subject(name: "sha256sum", program: "sha256sum") { file, _ in [file] },
        ]
        var results: [Measurement] = []
        for count in rows {
            let file = URL(fileURLWithPath: dir).appendingPathComponent("tvs-export-bench-\(count).csv")
            if !FileManager.default.fileExists(atPath: file.path) {
                FileHandle.standardError.write(Data("generating \(count) rows…\n".utf8))
                try SnapshotGenerator(rows: count).write(to: file)
            }
            // The subjects take turns, so a busy moment on the machine does not fall on one alone.
            var runsOf: [String: [ChildRun]] = [:]
            for _ in 0..<max(1, runs) {
                for subject in subjects { runsOf[subject.name, default: []].append(try measure(subject, file)) }
            }
            for subject in subjects {
                let measured = runsOf[subject.name]!
                let median = measured.sorted { $0.cpuSeconds < $1.cpuSeconds }[measured.count / 2]
                results.append(Measurement(rows: count, subject: subject.name, median: median, cpuSeconds: measured.map(\.cpuSeconds)))
            }
        }
        print(report(results))
    }

    /// One run of `subject` on `file` in a fresh process, its output in a scratch directory that is
    /// removed once the run is measured. (Outputs kept until the end — 0.55 GB a translate run —
    /// made each later run pay more system time for page cache the machine had not used before:
    /// 0.5 s, then 1.4 and 2.2 s, measured on this project's machine.)
    private func measure(_ subject: Subject, _ file: URL) throws -> ChildRun {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("ketenpoort-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let run = try ChildRun.measure(subject.program, subject.arguments(file.path, out.path))
        guard run.exitCode == 0 else {
            FileHandle.standardError.write(
                Data("\(subject.name) on \(file.lastPathComponent) failed (exit \(run.exitCode.map(String.init) ?? "by signal"))\n".utf8))
            throw ExitCode(3)
        }
        return run
    }

    private func report(_ results: [Measurement]) -> String {
        var lines = [
            "COA snapshot → translate / validate, each run a fresh process; sha256sum of the same file for reference",
            "(median of \(max(1, runs)) runs by CPU time; CPU = user + system, from wait4)",
            "",
            "     rows  command     user s   sys s   CPU s  wall s  records/CPU-s  peak RSS MiB  CPU s per run",
        ]
        for result in results {
            let run = result.median
            lines.append(
                pad(result.rows, 9) + "  " + result.subject.padding(toLength: 10, withPad: " ", startingAt: 0)
                    + pad(String(format: "%.2f", run.userSeconds), 8) + pad(String(format: "%.2f", run.systemSeconds), 8)
                    + pad(String(format: "%.2f", run.cpuSeconds), 8) + pad(String(format: "%.2f", run.wallSeconds), 8)
                    + pad(Int(result.recordsPerCPUSecond), 15) + pad(String(format: "%.1f", run.peakResidentMiB), 14) + "  "
                    + result.cpuSeconds.map { String(format: "%.2f", $0) }.joined(separator: " / "))
        }
        lines.append(
            String(
                format: "(a child's peak RSS reads at least this process's own, %.1f MiB: the kernel counts it in when the child starts)",
                ProcessMemory.peakResidentMiB()))
        guard let small = rows.min(), let large = rows.max(), small != large else { return lines.joined(separator: "\n") }
        lines.append("")
        for subject in ["translate", "validate"] {
            guard let low = results.first(where: { $0.rows == small && $0.subject == subject }),
                let high = results.first(where: { $0.rows == large && $0.subject == subject }),
                let reference = results.first(where: { $0.rows == large && $0.subject == "sha256sum" })
            else { continue }
            lines.append(
                "\(subject) at \(large) rows: \(Int(high.recordsPerCPUSecond)) records per CPU-second (target ≥ 300000), "
                    + String(format: "%.2f CPU s against %.2f for sha256sum; ", high.median.cpuSeconds, reference.median.cpuSeconds)
                    + String(
                        format: "peak memory %.1f MiB, %.2f× the %d-row run (target ≤ 1.5×)", high.median.peakResidentMiB,
                        high.median.peakResidentMiB / low.median.peakResidentMiB, small))
        }
        return lines.joined(separator: "\n")
    }

    private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}
