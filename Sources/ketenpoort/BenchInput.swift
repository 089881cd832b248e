import Foundation

/// Input files a benchmark generates for itself.
enum BenchInput {
    /// Writes `url` out to disk before the clock starts: a generated file left dirty in the page
    /// cache is written back by the kernel some 30 s later — in the middle of what is measured,
    /// where every fsync the gateway makes (an IND answer's processing-log commit) queues behind
    /// it. A partner's file sits on the partner's disk; its writeback is not the gateway's work.
    static func writeOut(_ url: URL) throws {
        let handle = try FileHandle(forUpdating: url)
        defer { try? handle.close() }
        try handle.synchronize()
    }

    /// Where the receiver that stands for the municipalities stores what it receives for the bench
    /// in `base`: in memory (`/dev/shm`) when the machine has it. The municipalities' files land on
    /// their own disks, not the gateway's: on this one, hundreds of thousands of files created
    /// beside the gateway's store — into a folder the bench emptied a moment before, whose freed
    /// inodes ext4 scans on every create — would measure the file system under the receiver, and
    /// its writeback would queue the gateway's commits. Elsewhere, `base/received`.
    static func receiverFolder(_ base: URL) -> URL {
        let memory = URL(fileURLWithPath: "/dev/shm")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: memory.path, isDirectory: &isDirectory), isDirectory.boolValue,
            FileManager.default.isWritableFile(atPath: memory.path)
        else { return base.appendingPathComponent("received") }
        let name = base.standardizedFileURL.path.map { $0.isLetter || $0.isNumber ? $0 : "-" }
        return memory.appendingPathComponent("ketenpoort-bench").appendingPathComponent(String(name)).appendingPathComponent("received")
    }
}
