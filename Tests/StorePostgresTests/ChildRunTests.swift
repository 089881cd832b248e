import Foundation
import KetenpoortTesting
import Testing

/// The children the tests start for commands (`ChildRun`: pg_ctl, whose server outlives it and is
/// kept for the whole run) take nothing of the test process but their standard streams.
@Suite("Child processes")
struct ChildRunTests {
    @Test("a child gets only stdin, stdout and stderr: an open pipe of the test process is not passed on")
    func onlyStandardStreams() throws {
        let pipe = Pipe()  // open in this process while the child starts, as another test's would be
        let held = pipe.fileHandleForWriting.fileDescriptor
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("child-fds-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let run = try ChildRun.measure("/bin/sh", ["-c", "ls /proc/$$/fd"], output: output.path)
        #expect(run.exitCode == 0)
        let descriptors = try String(contentsOf: output, encoding: .utf8).split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        #expect(!descriptors.contains(held), "the child holds the pipe's write end (fd \(held)): \(descriptors)")
        #expect(descriptors.allSatisfy { $0 <= 2 }, "\(descriptors)")
        try pipe.fileHandleForWriting.close()
    }
}
