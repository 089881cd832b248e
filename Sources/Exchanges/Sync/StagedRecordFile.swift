import Foundation
import KetenpoortCore

#if canImport(Glibc)
    import Glibc
#endif

/// The staged records of a night, beside its scratch database: an append-only file holding each
/// record bound for a registered municipality, grouped per municipality in chunks of file order,
/// so sealing reads one municipality's records in one pass of large reads. Only the chunks'
/// places are kept in memory (a few hundred kilobytes for a national night).
///
/// Nothing in it needs to survive a crash (a crashed run stages again), so it is written without
/// fsync; a `WritebackPacer` syncs it every `syncEvery` writes all the same (about 8 MiB), so the
/// kernel never holds hundreds of megabytes to write back at once while the IND's answers wait for
/// their own fsync. Written through `OutputFile`; read back with `pread` once `finish` has run.
///
/// Used by one thread at a time (the sync's).
final class StagedRecordFile {
    /// One staged record as sealing reads it.
    struct Entry {
        let line: Int
        let isHoused: Bool
        let person: String
        let gemeente: String
        let contentHash: String
        let bsn: String?
        let vnummer: String?
        let record: [UInt8]
    }

    /// Rows of one municipality gathered before they are written as one chunk.
    static let chunkRows = 32
    /// Writes of the buffer (each up to `bufferBytes`) between two syncs of the file.
    static let syncEvery = 32

    let url: URL
    private let output: OutputFile
    private var pacer: WritebackPacer
    /// Opened by `finish`, for the reads.
    private var input: Int32 = -1
    /// Per municipality number: its chunks' (offset, length), in file order.
    private var chunks: [[(offset: Int, length: Int)]] = []
    /// Per municipality number: its open chunk and the rows in it.
    private var open: [(bytes: [UInt8], rows: Int)] = []
    /// Written chunks waiting for one `write` (fewer system calls than a write per chunk).
    private var buffer: [UInt8] = []
    /// Bytes the buffer holds at most before it is written (unless one chunk alone is larger).
    private static let bufferBytes = 256 << 10
    private var written = 0

    init(url: URL) throws {
        self.url = url
        output = try OutputFile(creating: url)
        pacer = WritebackPacer(file: url, interval: Self.syncEvery)
        buffer.reserveCapacity(Self.bufferBytes)
    }

    deinit {
        pacer.close()
        if input >= 0 { Glibc.close(input) }
    }

    /// Appends `entry` to the records of municipality `number`.
    func append(_ entry: Entry, number: Int) throws {
        if number >= open.count {
            open.append(contentsOf: repeatElement((bytes: [UInt8](), rows: 0), count: number + 1 - open.count))
            chunks.append(contentsOf: repeatElement([], count: number + 1 - chunks.count))
        }
        Self.encode(entry, into: &open[number].bytes)
        open[number].rows += 1
        if open[number].rows >= Self.chunkRows { try close(number) }
    }

    /// Writes every open chunk and the buffer (call once, after the last `append`).
    func finish() throws {
        for number in open.indices where open[number].rows > 0 { try close(number) }
        try flush()
        // The chunks' and the buffer's capacity (a few megabytes) is not kept through the sealing.
        open = []
        buffer = []
        input = Glibc.open(url.path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw OutputFile.unwritable(url) }
    }

    /// The municipality numbers that have records, in order.
    var numbers: [Int] { chunks.indices.filter { !chunks[$0].isEmpty } }

    /// Calls `body` with every record of municipality `number`, in file order (after `finish`).
    func forEach(of number: Int, _ body: (Entry) throws -> Void) throws {
        guard number < chunks.count else { return }
        precondition(input >= 0, "staged records read before they were finished")
        var bytes: [UInt8] = []
        for (offset, length) in chunks[number] {
            if bytes.count < length { bytes = [UInt8](repeating: 0, count: max(length, 2 * bytes.count)) }
            var read = 0
            while read < length {
                let count = bytes.withUnsafeMutableBytes { pread(input, $0.baseAddress! + read, length - read, off_t(offset + read)) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { throw KetenpoortError(.syncRefused, "the night's scratch file lost staged records") }
                read += count
            }
            var reader = EntryReader(bytes: bytes, end: length)
            while let entry = try reader.next() { try body(entry) }
        }
    }

    /// Moves municipality `number`'s open chunk to the write buffer.
    private func close(_ number: Int) throws {
        // Written first when the chunk would not fit: the buffer never grows past its size.
        if buffer.count + open[number].bytes.count > Self.bufferBytes { try flush() }
        chunks[number].append((written + buffer.count, open[number].bytes.count))
        buffer.append(contentsOf: open[number].bytes)
        open[number].bytes.removeAll(keepingCapacity: true)
        open[number].rows = 0
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try output.write(buffer)
        pacer.wrote()
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: - Encoding: per entry its line, housed flag, the texts (length-prefixed, nil as 0xFFFF), the record

    private static func encode(_ entry: Entry, into bytes: inout [UInt8]) {
        append(UInt32(entry.line), into: &bytes)
        bytes.append(entry.isHoused ? 1 : 0)
        for text in [entry.person, entry.gemeente, entry.contentHash, entry.bsn, entry.vnummer] {
            guard let text else {
                append(UInt16.max, into: &bytes)
                continue
            }
            let utf8 = text.utf8
            precondition(utf8.count < Int(UInt16.max), "a staged identifier of 64 KiB")
            append(UInt16(utf8.count), into: &bytes)
            bytes.append(contentsOf: utf8)
        }
        append(UInt32(entry.record.count), into: &bytes)
        bytes.append(contentsOf: entry.record)
    }

    private static func append<T: FixedWidthInteger>(_ value: T, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Reads the entries of one chunk.
    private struct EntryReader {
        let bytes: [UInt8]
        let end: Int
        var at = 0

        init(bytes: [UInt8], end: Int) {
            self.bytes = bytes
            self.end = end
        }

        mutating func next() throws -> Entry? {
            guard at < end else { return nil }
            let line = Int(try integer(UInt32.self))
            let isHoused = try integer(UInt8.self) != 0
            let person = try text(), gemeente = try text(), contentHash = try text(), bsn = try text(), vnummer = try text()
            let count = Int(try integer(UInt32.self))
            let record = Array(try take(count))
            guard let person, let gemeente, let contentHash else { throw Self.damaged }
            return Entry(
                line: line, isHoused: isHoused, person: person, gemeente: gemeente, contentHash: contentHash, bsn: bsn, vnummer: vnummer,
                record: record)
        }

        private static var damaged: KetenpoortError { KetenpoortError(.syncRefused, "the night's scratch file holds a damaged record") }

        private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count <= end - at else { throw Self.damaged }
            defer { at += count }
            return bytes[at..<at + count]
        }

        private mutating func integer<T: FixedWidthInteger>(_: T.Type) throws -> T {
            var value: T = 0
            let slice = try take(MemoryLayout<T>.size)
            withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: slice) }
            return T(littleEndian: value)
        }

        private mutating func text() throws -> String? {
            let count = try integer(UInt16.self)
            guard count != UInt16.max else { return nil }
            return String(decoding: try take(Int(count)), as: UTF8.self)
        }
    }
}
