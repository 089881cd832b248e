import Adapters
import Contracts
import Foundation
import KetenpoortCore

/// Writes one municipality's notification document: items stream to a part file as they come,
/// and the document (root attributes with the final count) is assembled when the run is accepted.
final class KennisgevingWriter {
    let gemeente: String
    let partURL: URL
    let handle: FileHandle
    var buffer: [UInt8] = []
    var count = 0

    init(gemeente: String, directory: URL) throws {
        self.gemeente = gemeente
        partURL = directory.appendingPathComponent(".\(gemeente).xml.part")
        guard FileManager.default.createFile(atPath: partURL.path, contents: nil), let handle = FileHandle(forWritingAtPath: partURL.path) else {
            throw KetenpoortError(.outputUnwritable, "\(partURL.deletingLastPathComponent().path): cannot write")
        }
        self.handle = handle
        buffer.reserveCapacity(1 << 14)
    }

    func flushIfNeeded(force: Bool = false) throws {
        if buffer.count >= 1 << 14 || (force && !buffer.isEmpty) {
            try handle.write(contentsOf: buffer)
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Writes `<GM>.xml` beside the part file and removes the part file.
    func finish(adapter: OutboundAdapter, context: [String: String]) throws -> URL {
        try flushIfNeeded(force: true)
        try handle.close()
        let target = partURL.deletingLastPathComponent().appendingPathComponent("\(gemeente).xml")
        var head: [UInt8] = []
        adapter.begin(context: context, into: &head)
        var tail: [UInt8] = []
        adapter.end(context: context, into: &tail)
        FileManager.default.createFile(atPath: target.path, contents: Data(head))
        let out = try FileHandle(forWritingTo: target)
        try out.seekToEnd()
        let input = try FileHandle(forReadingFrom: partURL)
        while case let chunk = input.readData(ofLength: 1 << 20), !chunk.isEmpty { try out.write(contentsOf: chunk) }
        try input.close()
        try out.write(contentsOf: tail)
        try out.close()
        try FileManager.default.removeItem(at: partURL)
        return target
    }

    func discard() {
        try? handle.close()
        try? FileManager.default.removeItem(at: partURL)
    }
}
