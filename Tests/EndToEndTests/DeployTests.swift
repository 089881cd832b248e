import Foundation
import KetenpoortTesting
import Testing

/// What deploy/ holds, checked by the tools an operator's pipeline would run.
@Suite("deploy/")
struct DeployTests {
    /// `systemd-analyze` on a copy of the unit whose ExecStart is the binary just built (verify
    /// checks that the program exists).
    static func analyze(_ arguments: [String]) async throws -> CLI.Output {
        let directory = try TempDirectory()
        defer { directory.remove() }
        let unit = try String(contentsOf: Repository.root.appendingPathComponent("deploy/systemd/ketenpoort.service"), encoding: .utf8)
        let copy = directory.file("ketenpoort.service")
        try unit.replacingOccurrences(of: "/opt/ketenpoort/bin/ketenpoort", with: try CLI.binary().path).write(
            to: copy, atomically: true, encoding: .utf8)
        return try await PythonTool.run(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), arguments + [copy.path])
    }

    @Test("the systemd unit passes systemd-analyze verify, and its exposure is at most 2.0 (OK) by systemd-analyze security")
    func systemdUnit() async throws {
        let verified = try await Self.analyze(["verify"])
        #expect(verified.status == 0 && verified.stderr.isEmpty, "\(verified)")
        let security = try await Self.analyze(["security", "--offline=true", "--threshold=20"])
        #expect(security.status == 0, "\(security)")
        #expect(security.stdout.contains("Overall exposure level for ketenpoort.service"), "\(security)")
    }
}
