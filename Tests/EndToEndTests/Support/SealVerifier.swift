import Foundation
import KetenpoortCore

/// The partners' verifier, `tools/verify-sealed-batch.py` (written from docs/sealed-batch.md alone),
/// run with the Python of its pinned environment (`tools/pyenv sealverify`). A missing tool or an
/// environment that cannot be made throws: the test fails, it is never skipped.
enum SealVerifier {
    typealias Output = CLI.Output

    static let script = Repository.root.appendingPathComponent("tools/verify-sealed-batch.py")

    /// The environment's `python3`, made once per test process.
    private static let python = Result<URL, any Error> {
        let made = try run(Repository.root.appendingPathComponent("tools/pyenv"), ["sealverify"])
        let bin = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.status == 0, !bin.isEmpty else {
            throw KetenpoortError(.configurationInvalid, "tools/pyenv sealverify failed: \(made)")
        }
        return URL(fileURLWithPath: bin).appendingPathComponent("python3")
    }

    /// `verify-sealed-batch.py <arguments>`.
    static func verify(_ arguments: [String]) throws -> Output {
        guard FileManager.default.fileExists(atPath: script.path) else {
            throw KetenpoortError(.configurationInvalid, "\(script.path) is missing")
        }
        return try run(try python.get(), [script.path] + arguments)
    }

    /// Runs `executable` to its end, stdin empty, stdout and stderr through files (no pipe can fill up).
    private static func run(_ executable: URL, _ arguments: [String]) throws -> Output {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sealverify-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let (out, err) = (scratch.appendingPathComponent("out"), scratch.appendingPathComponent("err"))
        try Data().write(to: out)
        try Data().write(to: err)
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: try String(contentsOf: out, encoding: .utf8), stderr: try String(contentsOf: err, encoding: .utf8))
    }
}

extension SealVerifier {
    /// Header fields as a recipient stores them: one `Name: value` line each.
    static func headerLines(_ fields: [(name: String, value: String)]) -> String {
        fields.map { "\($0.name): \($0.value)\n" }.joined()
    }
}
