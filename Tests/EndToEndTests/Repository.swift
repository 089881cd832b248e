import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore
import KetenpoortTesting

/// Fixed instants for the pipeline.
typealias Clock = ReferenceClock

/// The CLI binary run as a child process, stdout and stderr captured separately through pipes.
enum CLI {
    struct Output: CustomStringConvertible {
        let status: Int32
        let stdout: String
        let stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)" }

        /// Standard output parsed as a JSON object.
        func json() throws -> [String: Any] {
            guard let object = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.propertyListReadCorrupt)
            }
            return object
        }
    }

    /// Collects a pipe's bytes on a background thread.
    private final class Drain: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)
        init(_ handle: FileHandle) {
            DispatchQueue.global().async {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }
        }
        func wait() -> Data {
            done.wait()
            return data
        }
    }

    static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: Repository.binary.path) }

    /// The binary, or a clear failure when it is not built: a test that needs it fails, it is never skipped.
    static func binary() throws -> URL {
        guard isBuilt else {
            throw KetenpoortError(.configurationInvalid, "\(Repository.binary.path) is not built: run `swift build` first (`make test` does)")
        }
        return Repository.binary
    }

    /// Starts `ketenpoort <arguments>` in the background, to be waited for or killed; its output is
    /// discarded, or appended to `output` (stdout and stderr, after a line naming the command) for a
    /// failure to show.
    static func launch(_ arguments: [String], environment extra: [String: String] = [:], output: URL? = nil) throws -> Process {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        var environment = ProcessInfo.processInfo.environment
        environment["KETENPOORT_HOME"] = Repository.root.path
        for (key, value) in extra { environment[key] = value }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        if let output {
            if !FileManager.default.fileExists(atPath: output.path) { _ = FileManager.default.createFile(atPath: output.path, contents: nil) }
            let handle = try FileHandle(forWritingTo: output)
            try handle.seekToEnd()
            let fault = extra["KETENPOORT_FAULT"].map { " (fault \($0))" } ?? ""
            try handle.write(contentsOf: Data("$ ketenpoort \(arguments.joined(separator: " "))\(fault)\n".utf8))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            try handle.close()
        } else {
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
        }
        return process
    }

    /// `run(_:environment:)` on a thread of its own: a long test that starts many processes does not
    /// hold one of the cooperative pool's few threads (which the servers of other tests need).
    static func runDetached(_ arguments: [String], environment: [String: String] = [:]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try run(arguments, environment: environment) }) }
        }
    }

    /// Waits for `process` to end on a thread of its own, and gives its exit status.
    static func exitStatus(of process: Process) async -> Int32 {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                process.waitUntilExit()
                continuation.resume(returning: process.terminationStatus)
            }
        }
    }

    /// Runs `ketenpoort <arguments>` in the repository root with KETENPOORT_HOME set to it.
    static func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Output {
        let process = Process()
        process.executableURL = try binary()
        process.arguments = arguments
        process.currentDirectoryURL = Repository.root
        var env = ProcessInfo.processInfo.environment
        env["KETENPOORT_HOME"] = Repository.root.path
        env.removeValue(forKey: "KETENPOORT_LOG_LEVEL")
        // The samples are made for 2026-11-22/23: rules such as not-in-the-future use the day after.
        env["KETENPOORT_NOW"] = "2026-11-24T12:00:00+01:00"
        for (key, value) in environment { env[key] = value }
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let stdout = Drain(out.fileHandleForReading), stderr = Drain(err.fileHandleForReading)
        let outData = stdout.wait(), errData = stderr.wait()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// COA files for the end-to-end tests.
typealias COA = COARows
