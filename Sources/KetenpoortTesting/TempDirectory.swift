import Foundation

/// A directory under the temporary directory with a unique name, for a test or a bench to write in
/// and remove afterwards.
public struct TempDirectory: Sendable {
    public let url: URL

    /// Creates the directory, named `<prefix>-<UUID>`.
    public init(prefix: String = "ketenpoort-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    public func remove() { try? FileManager.default.removeItem(at: url) }

    public func file(_ name: String) -> URL { url.appendingPathComponent(name) }

    /// Writes `bytes` as `name` and returns its URL.
    @discardableResult
    public func write(_ name: String, _ bytes: [UInt8]) throws -> URL { try write(name, Data(bytes)) }

    @discardableResult
    public func write(_ name: String, _ text: String) throws -> URL { try write(name, Data(text.utf8)) }

    @discardableResult
    public func write(_ name: String, _ data: Data) throws -> URL {
        let target = file(name)
        try data.write(to: target)
        return target
    }

    /// Every entry, hidden files included, sorted.
    public func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    /// Runs `body` with a fresh directory and removes it afterwards.
    public static func with<T>(_ body: (TempDirectory) throws -> T) throws -> T {
        let directory = try TempDirectory()
        defer { directory.remove() }
        return try body(directory)
    }

    /// Runs the async `body` with a fresh directory and removes it afterwards.
    public static func with<T>(_ body: (TempDirectory) async throws -> T) async throws -> T {
        let directory = try TempDirectory()
        defer { directory.remove() }
        return try await body(directory)
    }
}
