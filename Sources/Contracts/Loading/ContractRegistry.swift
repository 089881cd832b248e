import Foundation
import KetenpoortCore

/// All contracts of the gateway, by id, loaded from one directory.
public struct ContractRegistry: Sendable {
    /// Every contract, by its `id`.
    public let contracts: [String: DataContract]

    /// A registry of `contracts`, whose ids must be distinct (a repeated id traps).
    public init(contracts: [DataContract]) {
        self.contracts = Dictionary(uniqueKeysWithValues: contracts.map { ($0.id, $0) })
    }

    /// Loads every `*.yaml` in `directory`; fails with every file's problems when any does not load.
    public static func load(directory: URL) throws -> ContractRegistry {
        let files: [URL]
        do {
            files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
                .filter { $0.pathExtension == "yaml" || $0.pathExtension == "yml" }
                .sorted { $0.lastPathComponent < $1.lastPathComponent }
        } catch {
            throw KetenpoortError(.inputUnreadable, "\(directory.path): the contracts directory cannot be read")
        }
        var loaded: [DataContract] = []
        var problems: [String] = []
        for file in files {
            do {
                loaded.append(try ContractLoader.load(contentsOf: file))
            } catch let error as KetenpoortError {
                problems.append(error.reason)
            }
        }
        guard problems.isEmpty else {
            throw KetenpoortError(.contractInvalid, problems.joined(separator: "\n"))
        }
        return ContractRegistry(contracts: loaded)
    }

    /// The contract `id`; an error listing the known ids otherwise.
    public func contract(_ id: String) throws -> DataContract {
        guard let contract = contracts[id] else {
            throw KetenpoortError(.contractUnknown, "no contract '\(id)' (known: \(contracts.keys.sorted().joined(separator: ", ")))")
        }
        return contract
    }
}
