import Foundation
import KetenpoortCore

/// A POSIX ustar archive of a directory's regular files (what `tar -xf` unpacks), for downloading
/// a proof in one file. Names longer than 100 bytes use the ustar prefix field.
enum TarArchive {
    /// The files below `directory`, sorted, under `prefix/` in the archive.
    static func of(directory: URL, prefix: String) throws -> Data {
        var archive = Data()
        let root = directory.standardizedFileURL.path
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw KetenpoortError(.outputUnwritable, "cannot read \(root)")
        }
        let paths = (walker.allObjects as? [String] ?? []).sorted()
        let now = Int(Date().timeIntervalSince1970)
        for path in paths {
            let full = root + "/" + path
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
            archive.append(try header(name: prefix + "/" + path, size: bytes.count, modified: now))
            archive.append(bytes)
            archive.append(Data(count: (512 - bytes.count % 512) % 512))
        }
        archive.append(Data(count: 1024))
        return archive
    }

    /// The 512-byte header of a regular file, mode 0644.
    static func header(name: String, size: Int, modified: Int) throws -> Data {
        var (prefix, short) = ("", name)
        if name.utf8.count > 100 {
            guard
                let cut = name.utf8.indices.last(where: {
                    name.utf8[$0] == UInt8(ascii: "/") && name.utf8.distance(from: $0, to: name.utf8.endIndex) <= 101
                }),
                name.utf8.distance(from: name.utf8.startIndex, to: cut) <= 155
            else { throw KetenpoortError(.outputUnwritable, "the name \(name) is too long for a tar archive") }
            prefix = String(name[..<cut])
            short = String(name[name.index(after: cut)...])
        }
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int, width: Int) {
            for (index, byte) in text.utf8.prefix(width).enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: max(0, width - 1 - digits.count)) + digits
        }
        put(short, at: 0, width: 100)
        put(octal(0o644, width: 8), at: 100, width: 7)
        put(octal(0, width: 8), at: 108, width: 7)
        put(octal(0, width: 8), at: 116, width: 7)
        put(octal(size, width: 12), at: 124, width: 11)
        put(octal(modified, width: 12), at: 136, width: 11)
        put("        ", at: 148, width: 8)
        block[156] = UInt8(ascii: "0")
        put("ustar", at: 257, width: 6)
        put("00", at: 263, width: 2)
        put(prefix, at: 345, width: 155)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148, width: 6)
        block[154] = 0
        block[155] = UInt8(ascii: " ")
        return Data(block)
    }
}
