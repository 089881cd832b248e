import Foundation

/// A folder partners' files are dropped in for a scheduled job: the waiting files in order, and
/// where each goes once handled (`processed/` or `rejected/`), so a restart never takes one twice.
package struct DropFolder {
    package let folder: URL

    package init(folder: URL) { self.folder = folder }

    /// The files whose name `key` accepts, ordered by that key (e.g. the date in the name).
    package func waiting<Key: Comparable>(_ key: (String) -> Key?) throws -> [URL] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .compactMap { url in key(url.lastPathComponent).map { (url, $0) } }
            .sorted { $0.1 < $1.1 }
            .map(\.0)
    }

    /// Writes `text` beside `file` as `<name>.note.txt`, moved along with it by `move(_:to:)`.
    package func note(_ file: URL, _ text: String) throws {
        try Data(text.utf8).write(to: Self.noteFile(of: file), options: .atomic)
    }

    package static func noteFile(of file: URL) -> URL {
        file.deletingLastPathComponent().appendingPathComponent(file.lastPathComponent + ".note.txt")
    }

    /// Moves `file` (and its note, if any) into the subfolder `outcome`, replacing a file of the same name there.
    package func move(_ file: URL, to outcome: String) throws {
        let manager = FileManager.default
        let target = folder.appendingPathComponent(outcome)
        try manager.createDirectory(at: target, withIntermediateDirectories: true)
        let destination = target.appendingPathComponent(file.lastPathComponent)
        try? manager.removeItem(at: destination)
        try manager.moveItem(at: file, to: destination)
        let note = Self.noteFile(of: file)
        if manager.fileExists(atPath: note.path) {
            let noteDestination = target.appendingPathComponent(note.lastPathComponent)
            try? manager.removeItem(at: noteDestination)
            try manager.moveItem(at: note, to: noteDestination)
        }
    }
}
