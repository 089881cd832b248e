import Adapters
import Foundation

/// Writes one municipality's notification document. Encoded items collect in `buffer`, which its
/// owner has written out to a part file when full enough; the head (root attributes with the final
/// count) is known only when the run is accepted. The part file therefore starts with room for the
/// head as long as it is expected to be: when it comes out that long, it is written into that room
/// and the part file becomes the document; otherwise the items are copied once behind the real
/// head. A document that never outgrows its buffer is written in one go.
final class KennisgevingWriter {
    let gemeente: String
    let partURL: URL
    /// The bytes left free for the head at the start of the part file.
    let reservedHead: Int
    /// Encoded items not yet written out.
    let buffer = OutputBuffer(capacity: 16 << 10)
    var count = 0
    /// Created on the first `flush`.
    private var part: OutputFile?

    init(gemeente: String, directory: URL, reservedHead: Int) {
        self.gemeente = gemeente
        partURL = directory.appendingPathComponent(".\(gemeente).xml.part")
        self.reservedHead = reservedHead
    }

    /// Appends the buffered items to the part file and empties the buffer (keeping its memory).
    func flush() throws {
        guard !buffer.isEmpty else { return }
        if part == nil {
            let file = try OutputFile(creating: partURL)
            try file.seek(to: reservedHead)
            part = file
        }
        try part!.write(buffer)
        buffer.removeAll()
    }

    /// Writes `<GM>.xml` beside the part file — head, items, tail — and removes the part file.
    func finish(adapter: OutboundAdapter, context: [String: String]) throws -> URL {
        let target = partURL.deletingLastPathComponent().appendingPathComponent("\(gemeente).xml")
        var head: [UInt8] = []
        adapter.begin(context: context, into: &head)
        var tail: [UInt8] = []
        adapter.end(context: context, into: &tail)
        defer { buffer.removeAll() }
        guard let part else {
            let document = try OutputFile(creating: target)
            try document.write(head)
            try document.write(buffer)
            try document.write(tail)
            try document.close()
            return target
        }
        self.part = nil
        if head.count == reservedHead {
            try part.write(head, at: 0)
            try part.write(buffer)
            try part.write(tail)
            try part.close()
            guard rename(partURL.path, target.path) == 0 else { throw OutputFile.unwritable(target) }
        } else {
            // The head came out longer or shorter than the room left for it.
            try part.close()
            let document = try OutputFile(creating: target)
            try document.write(head)
            try document.append(contentsOf: partURL, from: reservedHead)
            try document.write(buffer)
            try document.write(tail)
            try document.close()
            try FileManager.default.removeItem(at: partURL)
        }
        return target
    }

    /// Drops the document: nothing of it stays on disk.
    func discard() {
        buffer.removeAll()
        guard part != nil else { return }
        part = nil
        try? FileManager.default.removeItem(at: partURL)
    }
}
