import ArgumentParser
import Flows
import Foundation

/// `ketenpoort bench`: generates COA snapshots and measures each in a fresh process.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark COA CSV → validated → municipal XML (run on a release build)."
    )

    @Option(help: "Snapshot sizes to measure.") var rows: [Int] = [10_900, 1_000_000]
    @Option(help: "Runs per size (each in a fresh process); the median run is reported.") var runs = 3
    @Option(help: "Where generated snapshots are kept.") var dir = "var/bench"
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var results: [PipelineBenchmark.Result] = []
        for count in rows {
            let file = URL(fileURLWithPath: dir).appendingPathComponent("tvs-export-bench-\(count).csv")
            if !FileManager.default.fileExists(atPath: file.path) {
                FileHandle.standardError.write(Data("generating \(count) rows…\n".utf8))
                try SnapshotGenerator(rows: count).write(to: file)
            }
            var measured: [PipelineBenchmark.Result] = []
            for _ in 0..<max(1, runs) { measured.append(try measure(file)) }
            let sorted = measured.sorted { $0.recordsPerSecond < $1.recordsPerSecond }
            let median = sorted[sorted.count / 2]
            results.append(median)
            if sorted.count > 1 {
                let rates = measured.map { String(Int($0.recordsPerSecond)) }.joined(separator: ", ")
                FileHandle.standardError.write(Data("\(count) rows, records/s per run: \(rates) (median reported)\n".utf8))
            }
        }
        print("COA CSV → validate → municipal XML, one thread (median of \(max(1, runs)) runs per size)")
        print("rows        seconds   records/s   peak RSS (MiB)")
        for r in results {
            print("\(pad(r.rows, 10))  \(pad(String(format: "%.3f", r.seconds), 8))  \(pad(Int(r.recordsPerSecond), 10))  \(String(format: "%.1f", r.peakResidentMiB))")
        }
        if results.count >= 2, let small = results.first, let large = results.last {
            let ratio = large.peakResidentMiB / small.peakResidentMiB
            print(String(format: "peak memory ratio %d rows / %d rows: %.2f× (target ≤ 1.5×)", large.rows, small.rows, ratio))
            print(String(format: "throughput at %d rows: %.0f records/s (target ≥ 300000)", large.rows, large.recordsPerSecond))
        }
    }

    /// One measurement of `file` in a fresh process, so peak memory is that run's own.
    private func measure(_ file: URL) throws -> PipelineBenchmark.Result {
        let process = Process()
        process.executableURL = ThisExecutable.url
        process.arguments = ["bench-run", file.path, "--home", workspace.root.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ExitCode(3) }
        return try JSONDecoder().decode(PipelineBenchmark.Result.self, from: data)
    }

    private func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let text = value.description
        return String(repeating: " ", count: max(0, width - text.count)) + text
    }
}

/// `ketenpoort bench-run <file>`: one measurement, printed as JSON (used by `bench`).
struct BenchRunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench-run", abstract: "Measure one snapshot (internal).", shouldDisplay: false)

    @Argument var file: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let result = try PipelineBenchmark(workspace: try Workspace.load(root: workspace.root)).run(file: URL(fileURLWithPath: file))
        print(String(decoding: try JSONEncoder().encode(result), as: UTF8.self))
    }
}
