import Foundation
import KetenpoortCore
import Store

/// A batch's payload written to a file part by part (never whole in memory), atomically: into a
/// hidden file beside the target, which is renamed onto it once complete.
package enum PayloadFile {
    /// Writes the payload of `batch` in `store` to `file`; `transform` may turn each part into
    /// other bytes (an encoding), and `head`/`tail` come before and after.
    package static func write(
        batch: BatchID, from store: any Store, to file: URL, head: Data = Data(), tail: (() -> Data)? = nil,
        transform: ((Data) -> Data)? = nil
    ) throws {
        let partial = file.deletingLastPathComponent().appendingPathComponent(".\(file.lastPathComponent).part")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil), let handle = FileHandle(forWritingAtPath: partial.path) else {
            throw KetenpoortError(.outputUnwritable, "cannot write \(file.path)")
        }
        do {
            defer { try? handle.close() }
            try handle.write(contentsOf: head)
            try store.read { tx in try tx.forEachPayloadPart(of: batch) { try handle.write(contentsOf: transform?($0) ?? $0) } }
            if let tail { try handle.write(contentsOf: tail()) }
            try handle.synchronize()
        } catch let error as KetenpoortError {
            try? FileManager.default.removeItem(at: partial)
            throw error
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw KetenpoortError(.outputUnwritable, "cannot write \(file.path)")
        }
        guard rename(partial.path, file.path) == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw KetenpoortError(.outputUnwritable, "cannot write \(file.path)")
        }
    }
}
