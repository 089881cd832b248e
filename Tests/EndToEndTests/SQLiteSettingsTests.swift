import Foundation
import Testing

/// SQLite's process-wide settings hold in the gateway's own process: without memory statistics no
/// allocation on any connection takes SQLite's global lock, so a batch thread at a lower priority
/// holding it cannot hold up the IND's answers.
@Suite("SQLite settings of the process")
struct SQLiteSettingsTests {
    @Test("the command line makes them before SQLite is first used")
    func madeFirst() async throws {
        let output = try await CLI.runDetached(["--help"], environment: ["KETENPOORT_LOG_LEVEL": "debug"])
        #expect(output.stderr.contains("SQLite: memory statistics off"), "\(output)")
        #expect(!output.stderr.contains("SQLite was in use before"), "\(output)")
    }
}
