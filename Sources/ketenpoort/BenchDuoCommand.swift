import ArgumentParser
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting
import Store
import StoreSQLite

/// `ketenpoort bench-duo`: a national DUO extract applied to a fresh status store, then the next
/// night's extract over it — each in one transaction, timed (run on a release build).
struct BenchDuoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-duo", abstract: "Benchmark the DUO ingest: a national status extract applied to the status store.")

    @Option(help: "Detail records in the extract.") var records = 250_000
    @Option(help: "Where the benchmark's files go (emptied first).") var dir = "var/bench-duo"
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let base = URL(fileURLWithPath: dir)
        try? FileManager.default.removeItem(at: base)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        let generator = DuoPopulationGenerator(persons: records)
        let first = base.appendingPathComponent("duo-inburgering-20261122.dat")
        let second = base.appendingPathComponent("duo-inburgering-20261123.dat")
        try generator.write(to: first, created: CalendarDate(year: 2026, month: 11, day: 22)!, sequence: 1)
        try generator.write(to: second, created: CalendarDate(year: 2026, month: 11, day: 23)!, sequence: 2, variant: 1)
        let store = try SQLiteStore(path: base.appendingPathComponent("ketenpoort.sqlite").path)
        let clock = SystemWallClock()
        var ingest = try DuoIngest(
            workspace: try Workspace.load(root: workspace.root), store: store, clock: clock, audit: AuditChain(signer: nil, clock: clock))
        ingest.progress = Progress("bench-duo")
        print("DUO ingest: status extract → validated → status store (SQLite), one transaction per file")
        print("file                              MB  records  seconds  records/s  new / changed / unchanged / removed")
        for file in [first, second] {
            let size = Double((try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int) ?? 0) / 1_000_000
            let start = ContinuousClock.now
            let report = try ingest.run(file: file)
            let seconds = (ContinuousClock.now - start).seconds
            guard report.outcome == .applied else {
                throw ValidationError("\(file.lastPathComponent) was \(report.outcome.rawValue): \(report.reason ?? "")")
            }
            print(
                "\(file.lastPathComponent)  \(String(format: "%5.1f", size))  \(report.validation.items)  \(String(format: "%7.2f", seconds))"
                    + "  \(String(format: "%9.0f", Double(report.validation.items) / seconds))  \(report.inserted) / \(report.changed) / \(report.unchanged) / \(report.removed)"
            )
        }
        print(String(format: "peak memory %.1f MiB (target: the national extract applied in < 5 s)", ProcessMemory.peakResidentMiB()))
    }
}
