import Foundation
import KetenpoortTesting
import Testing

/// Long work says how far it is on standard error: a quiet, parseable line per phase when that is
/// not a terminal, a line rewritten in place when it is. Standard output keeps the report alone.
@Suite("Progress of long work on standard error")
struct ProgressLineTests {
    /// `progress job=… phase=… items=… seconds=…` lines of `stderr`, as phase → items.
    static func phases(_ stderr: String, job: String) -> [String: Int] {
        var phases: [String: Int] = [:]
        for match in stderr.matches(of: /progress job=(\S+) phase=(\S+) items=(\d+) seconds=\d+\.\d\d\n/) where match.output.1 == job {
            phases[String(match.output.2)] = Int(match.output.3)
        }
        return phases
    }

    @Test("sync and DUO ingest, piped: one line per phase with its count; the report alone on standard output")
    func pipedLines() async throws {
        // Each command on a thread of its own (`runDetached`): the cooperative pool stays free for
        // the in-process servers of the tests that run beside this one.
        let directory = try TempDirectory()
        defer { directory.remove() }
        let config = try IngestCommandTests.configurationWithDevPKI(directory)
        let sync = try await CLI.runDetached(["sync", "coa-gemeenten", "adapters/coa/samples/tvs-export-20261122.csv", "--config", config])
        #expect(sync.status == 0, "\(sync)")
        #expect(Self.phases(sync.stderr, job: "coa-gemeenten") == ["reading": 24, "comparing": 24, "sealing": 18], "\(sync.stderr)")
        #expect(!sync.stdout.contains("progress"))
        let ingest = try await CLI.runDetached(["ingest", "duo", "adapters/duo/samples/duo-inburgering-20261122.dat", "--config", config])
        #expect(ingest.status == 0, "\(ingest)")
        #expect(Self.phases(ingest.stderr, job: "duo-ingest") == ["applying": 30], "\(ingest.stderr)")
    }

    @Test("on a terminal: the line is rewritten in place, and each phase ends with its count and time")
    func terminalLine() async throws {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let config = try IngestCommandTests.configurationWithDevPKI(directory)
        let command = [try CLI.binary().path, "sync", "coa-gemeenten", "adapters/coa/samples/tvs-export-20261122.csv", "--config", config]
            .joined(separator: " ")
        // `script` gives the command a pseudo-terminal; its standard output goes nowhere.
        let run = try await PythonTool.run(
            URL(fileURLWithPath: "/usr/bin/script"), ["-qec", command + " >/dev/null", "/dev/null"],
            environment: ["KETENPOORT_HOME": Repository.root.path, "KETENPOORT_NOW": "2026-11-24T12:00:00+01:00"])
        #expect(run.status == 0, "\(run)")
        #expect(run.stdout.contains("\r\u{1B}[Kcoa-gemeenten sealing: 18 in "), "\(run.stdout.debugDescription)")
        #expect(!run.stdout.contains("progress job="))
    }
}
