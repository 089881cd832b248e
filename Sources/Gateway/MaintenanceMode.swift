import Foundation
import KetenpoortCore

/// A node's maintenance mode: while on, its readiness probe answers 503 so a load balancer drains
/// it, and it goes on running what it runs. A file in the node's own folder, so it holds across a
/// restart and is one node's alone (`ketenpoort maintenance on|off`).
public struct MaintenanceMode: Sendable {
    /// `maintenance` in the node's folder (beside the SQLite file, or `store.directory`).
    public let file: URL

    public init(directory: URL) { file = directory.appendingPathComponent("maintenance") }

    /// Since when the node is in maintenance, or nil when it is not.
    public var since: Date? {
        (try? FileManager.default.attributesOfItem(atPath: file.path))?[.modificationDate] as? Date
    }

    /// Turns it on (again: the time is kept).
    public func turnOn() throws {
        guard since == nil else { return }
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        guard FileManager.default.createFile(atPath: file.path, contents: Data()) else {
            throw KetenpoortError(.outputUnwritable, "cannot write \(file.path)")
        }
    }

    /// Turns it off; off already is fine.
    public func turnOff() throws {
        guard since != nil else { return }
        try FileManager.default.removeItem(at: file)
    }
}
