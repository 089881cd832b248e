import Foundation
import KetenpoortTesting

/// A Python tool the suite runs, from the virtual environment `tools/pyenv NAME` makes when missing
/// (pinned in `tools/requirements-NAME.txt`). A tool that cannot be had is an error, never a skip.
enum PythonTool {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `NAME`'s executable `program` in its environment.
    static func executable(_ program: String, of name: String) async throws -> URL {
        let made = try await run(Repository.root.appendingPathComponent("tools/pyenv"), [name])
        let bin = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard made.status == 0, !bin.isEmpty else { throw Failure(description: "tools/pyenv \(name) failed: \(made)") }
        let url = URL(fileURLWithPath: bin).appendingPathComponent(program)
        guard FileManager.default.isExecutableFile(atPath: url.path) else { throw Failure(description: "no \(program) in \(bin)") }
        return url
    }

    /// Bytes read on another thread, handed over after `DispatchGroup.wait`.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }

    /// Runs `executable` in `directory` (the repository root when nil), stdin from /dev/null, output captured, on a
    /// thread of its own (the cooperative pool stays free for servers the tool talks to).
    static func run(_ executable: URL, _ arguments: [String], in directory: URL? = nil, environment extra: [String: String] = [:]) async throws
        -> CLI.Output
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(
                    with: Result {
                        let process = Process()
                        process.executableURL = executable
                        process.arguments = arguments
                        process.currentDirectoryURL = directory ?? Repository.root
                        process.environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }
                        let out = Pipe(), err = Pipe()
                        process.standardOutput = out
                        process.standardError = err
                        process.standardInput = FileHandle.nullDevice
                        try process.run()
                        let errors = Collected()
                        let group = DispatchGroup()
                        group.enter()
                        DispatchQueue.global().async {
                            errors.data = err.fileHandleForReading.readDataToEndOfFile()
                            group.leave()
                        }
                        let outData = out.fileHandleForReading.readDataToEndOfFile()
                        group.wait()
                        let errData = errors.data
                        process.waitUntilExit()
                        return CLI.Output(
                            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                            stderr: String(decoding: errData, as: UTF8.self))
                    })
            }
        }
    }
}
