import Foundation
import Gateway

/// Paths inside the source repository, found from this file (tests run from a checkout).
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    public static let contracts = root.appendingPathComponent("contracts")
    public static let adapters = root.appendingPathComponent("adapters")
    public static let fixtures = root.appendingPathComponent("Tests/Fixtures")
    /// The debug build of the command line, as `make test` builds it.
    public static let binary = root.appendingPathComponent(".build/debug/ketenpoort")

    /// `adapters/<partner>/samples/<name>`.
    public static func sample(_ partner: String, _ name: String) -> URL {
        adapters.appendingPathComponent(partner).appendingPathComponent("samples").appendingPathComponent(name)
    }

    /// `Tests/Fixtures/<name>`.
    public static func fixture(_ name: String) -> URL { fixtures.appendingPathComponent(name) }

    private static let loaded = Result { try Workspace.load(root: root) }

    /// The real contracts and adapters, loaded once.
    public static func workspace() throws -> Workspace { try loaded.get() }
}
