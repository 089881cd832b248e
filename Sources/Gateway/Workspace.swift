import Adapters
import Contracts
import Foundation
import KetenpoortCore

/// The gateway's declarative configuration on disk: `contracts/` and `adapters/`, loaded and
/// checked together. Nothing runs with a contract or mapping that does not load.
public struct Workspace: Sendable {
    public let contracts: ContractRegistry
    public let adapters: AdapterRegistry
    /// The directory it was loaded from (also holding `api/`, the OpenAPI documents).
    public let root: URL

    public init(contracts: ContractRegistry, adapters: AdapterRegistry, root: URL = Workspace.defaultRoot) {
        self.contracts = contracts
        self.adapters = adapters
        self.root = root
    }

    /// The OpenAPI document of the IND status query API.
    public var statusAPIDocument: URL { root.appendingPathComponent("api/inburgering-v1.openapi.json") }

    /// Loads `<root>/contracts` and `<root>/adapters`.
    public static func load(root: URL) throws -> Workspace {
        let contracts = try ContractRegistry.load(directory: root.appendingPathComponent("contracts"))
        let adapters = try AdapterRegistry.load(directory: root.appendingPathComponent("adapters"), contracts: contracts)
        return Workspace(contracts: contracts, adapters: adapters, root: root)
    }

    /// The directory holding `contracts/`: `$KETENPOORT_HOME`, else the current directory.
    public static var defaultRoot: URL {
        if let home = ProcessInfo.processInfo.environment["KETENPOORT_HOME"], !home.isEmpty { return URL(fileURLWithPath: home) }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }
}
