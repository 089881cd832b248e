import Crypto
import Foundation
import KetenpoortCore
import Sealing
import Store

/// The gateway assembled from its configuration: workspace (contracts, adapters), store, signing
/// identity. Commands and services get their flows from here.
public struct GatewayRuntime: Sendable {
    public let configuration: GatewayConfiguration
    public let workspace: Workspace
    public let store: SQLiteStore
    public let clock: any WallClock

    public init(configuration: GatewayConfiguration, workspaceRoot: URL, clock: any WallClock = SystemWallClock()) throws {
        self.configuration = configuration
        self.workspace = try Workspace.load(root: workspaceRoot)
        self.store = try SQLiteStore(path: configuration.store.path.path)
        self.clock = clock
    }

    /// The gateway's signing identity; its certificate must carry the configured OIN.
    public func signingIdentity() throws -> SigningIdentity {
        let identity = try SigningIdentity(certificateFile: configuration.identity.certificate, keyFile: configuration.identity.key)
        guard identity.oin == configuration.identity.oin else {
            throw KetenpoortError(
                .configurationInvalid,
                "\(configuration.source.path): gateway.certificate carries OIN \(identity.oin?.value ?? "none"), gateway.oin says \(configuration.identity.oin)")
        }
        return identity
    }

    /// The key for pseudonyms in incident records, derived from the gateway's signing key.
    func pseudonymKey(_ identity: SigningIdentity) -> Data {
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: identity.privateKey.rawRepresentation), info: Data("ketenpoort incident pseudonym".utf8),
            outputByteCount: 32)
        return key.withUnsafeBytes { Data($0) }
    }

    /// The nightly sync COA → municipalities.
    public func coaGemeenteSync() throws -> CoaGemeenteSync {
        let identity = try signingIdentity()
        return try CoaGemeenteSync(
            workspace: workspace, store: store, registry: configuration.registry, sealer: try BatchSealer(signer: identity),
            pseudonymKey: pseudonymKey(identity), clock: clock, maxBatchRecords: configuration.delivery.maxBatchRecords)
    }
}
