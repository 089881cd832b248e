import Foundation
import KetenpoortTesting

/// `datacontract lint` (datacontract-cli, pinned in tools/requirements-datacontract.txt) on one
/// contract file. The tool exits 0 on warnings, so its JSON report is read: every check that did
/// not pass is a problem.
enum ContractLint {
    struct Report: Sendable {
        /// Every check by name with its result (`passed`, `warning`, `failed`, `error`).
        let checks: [(name: String, result: String)]
        /// "name: reason" of every check that did not pass.
        let problems: [String]
    }

    /// The bin directory of the tool's virtual environment, made by tools/pyenv when missing.
    static func toolDirectory() throws -> URL {
        let run = try ChildProcess.run(Repository.root.appendingPathComponent("tools/pyenv"), ["datacontract"])
        guard run.status == 0 else { throw LintError("tools/pyenv datacontract failed (exit \(run.status)): \(run.stderr)") }
        return URL(fileURLWithPath: run.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Lints `file` on a thread of its own, so the waiting does not hold one of the cooperative
    /// pool's few threads (which the servers of other tests need).
    static func lint(_ file: URL) async throws -> Report {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try lintWaiting(file) }) }
        }
    }

    private static func lintWaiting(_ file: URL) throws -> Report {
        let tool = try toolDirectory().appendingPathComponent("datacontract")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("lint-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try ChildProcess.run(tool, ["lint", file.path, "--all-errors", "--output-format", "json", "--output", output.path])
        guard let data = FileManager.default.contents(atPath: output.path),
            let json = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let checks = json["checks"] as? [[String: Any]]
        else {
            throw LintError("datacontract lint wrote no report (exit \(run.status)): \(run.stdout)\(run.stderr)")
        }
        let results = checks.map { (name: $0["name"] as? String ?? "?", result: $0["result"] as? String ?? "?") }
        var problems = checks.filter { $0["result"] as? String != "passed" }.map {
            "\($0["name"] as? String ?? "?"): \($0["reason"] as? String ?? "")"
        }
        if run.status != 0 && problems.isEmpty { problems.append("exit \(run.status): \(run.stdout)\(run.stderr)") }
        if json["result"] as? String != "passed" && problems.isEmpty { problems.append("result \(json["result"] ?? "none")") }
        return Report(checks: results, problems: problems)
    }
}

struct LintError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
