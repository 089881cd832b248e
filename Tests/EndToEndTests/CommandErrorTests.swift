import Foundation
import KetenpoortTesting
import Testing

/// An operator's mistakes, as the commands answer them: one line on standard error that names
/// what is wrong and what to do — no usage text, no framework's error dump.
@Suite("Command errors name what to do")
struct CommandErrorTests {
    @Test("a missing configuration, file, batch, secret or folder: one line, the right exit status")
    func oneLineEach() async throws {
        // Each command on a thread of its own: the cooperative pool stays free for other tests' servers.
        let directory = try TempDirectory()
        defer { directory.remove() }
        let config = try IngestCommandTests.configurationWithDevPKI(directory)
        let cases: [(arguments: [String], status: Int32, says: String)] = [
            (["outbox", "list", "--config", directory.file("nope.yaml").path], 3, "does not exist: name the configuration with --config"),
            (["sync", "coa-gemeenten", "nope.csv", "--config", config], 2, "cannot read nope.csv"),
            (
                ["audit", "prove", "--batch", "nope", "--out", directory.file("proof").path, "--config", config], 1,
                "`ketenpoort outbox list` shows"
            ),
            (
                ["deliver", "cbs", "--source", "duo", "--period", "2026Q3", "--config", config], 3,
                "cannot be read: put the file there (mode 0600, the gateway's user) or correct cbs.deliveryKeyFile"
            ),
            (["store", "backup", "--out", "/proc/ketenpoort-backup", "--config", config], 3, "choose a folder the gateway's user may write"),
        ]
        for (arguments, status, says) in cases {
            let output = try await CLI.runDetached(arguments)
            #expect(output.status == status, "\(arguments): \(output)")
            let lines = output.stderr.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].hasPrefix("ketenpoort: ") && lines[0].contains(says), "\(arguments): \(output.stderr)")
        }
    }
}
