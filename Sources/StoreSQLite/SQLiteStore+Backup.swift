import Foundation
import GRDB
import KetenpoortCore

extension SQLiteStore {
    /// Copies the store's files — the store, its processing log and its DUO status store — into
    /// `directory` with SQLite's online backup: each copy is one consistent state of its file,
    /// taken while the gateway runs. Refuses to overwrite a file. Returns the copies.
    public func backup(into directory: URL) throws -> [URL] {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw KetenpoortError(.outputUnwritable, "\(directory.path) cannot be made: choose a folder the gateway's user may write")
        }
        let files: [(DatabasePool, String)] = [(queue, path), (log.pool, log.path), (status.pool, status.path)]
        var copies: [URL] = []
        for (pool, path) in files {
            let copy = directory.appendingPathComponent(URL(fileURLWithPath: path).lastPathComponent)
            guard !FileManager.default.fileExists(atPath: copy.path) else {
                throw KetenpoortError(.outputUnwritable, "\(copy.path) exists already: back up into an empty folder")
            }
            try pool.backup(to: try DatabaseQueue(path: copy.path))
            copies.append(copy)
        }
        return copies
    }
}
