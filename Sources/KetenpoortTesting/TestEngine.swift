import Foundation
import KetenpoortCore

/// The store engine a gateway under test runs on.
public enum TestEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }

    /// `yaml` (the repository's `ketenpoort.yaml`) with its `store:` section for this engine: the
    /// SQLite file as configured, or a new database on the test process's PostgreSQL server.
    public func storeSection(replacingIn yaml: String) async throws -> String {
        let sqlite = "store:\n  engine: sqlite"
        guard let start = yaml.range(of: sqlite) else {
            throw KetenpoortError(.configurationInvalid, "ketenpoort.yaml has no sqlite store section to replace")
        }
        switch self {
        case .sqlite: return yaml
        case .postgres:
            let database = try await SharedPostgres.database()
            let end = yaml.range(of: "\n\n", range: start.upperBound..<yaml.endIndex)?.lowerBound ?? yaml.endIndex
            let section = "store:\n  engine: postgres\n  url: \"\(database.gateway)\"\n  directory: var\n  node: test-node\n  poolSize: 3"
            return yaml.replacingCharacters(in: start.lowerBound..<end, with: section)
        }
    }
}
