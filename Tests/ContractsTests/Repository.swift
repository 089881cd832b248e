import Foundation

/// Paths inside the repository, found from this source file.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let contracts = root.appendingPathComponent("contracts")
}
