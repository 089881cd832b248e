import Crypto
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Sealing
import Store
import StoreSQLite

/// The gateway assembled from its configuration: workspace (contracts, adapters), store, signing
/// identity. Commands and services get their flows from here.
public struct GatewayRuntime: Sendable {
    public let configuration: GatewayConfiguration
    public let workspace: Workspace
    public private(set) var store: any Store
    public let clock: any WallClock

    public init(configuration: GatewayConfiguration, workspaceRoot: URL, clock: any WallClock = SystemWallClock()) throws {
        self.configuration = configuration
        self.workspace = try Workspace.load(root: workspaceRoot)
        self.store = try StoreOpener.open(configuration.store)
        self.clock = clock
        try recordConfigurationLoad()
    }

    /// This gateway with its flows on `store` instead (a scheduled run's `FencedStore`).
    public func using(store: any Store) -> GatewayRuntime {
        var runtime = self
        runtime.store = store
        return runtime
    }

    /// Appends `configuration.loaded` with the file's SHA-256 when it differs from the last one
    /// recorded: every configuration the gateway ran with is on record, without an entry per command.
    private func recordConfigurationLoad() throws {
        guard let bytes = FileManager.default.contents(atPath: configuration.source.path) else { return }
        let digest = Hex.encode(SHA256.hash(data: bytes))
        let chain = auditChain()
        try store.write { tx in
            let last = try tx.auditEntries(kind: "configuration.loaded", field: "file", equals: configuration.source.lastPathComponent).last
            guard last?.payload.contains(digest) != true else { return }
            try chain.append(.configurationLoaded(file: configuration.source.lastPathComponent, sha256: digest), in: tx)
        }
    }

    /// The audit chain, checkpoints signed by the gateway's identity every `audit.checkpointEvery`
    /// entries. Without a usable identity (no PKI yet) entries are still appended; checkpoints wait
    /// (and an identity that exists but cannot be used is logged as an error).
    public func auditChain() -> AuditChain {
        let identity = configuration.identity
        return AuditChain(
            signer: AuditChain.checkpointSigner(certificate: identity.certificate, key: identity.key) { try signingIdentity() }, clock: clock,
            checkpointEvery: configuration.checkpointEvery)
    }

    /// The incident register.
    public func incidentRegister() -> IncidentRegister { IncidentRegister(audit: auditChain()) }

    /// The keyed pseudonyms of incident subjects.
    public func subjectPseudonym() throws -> SubjectPseudonym { SubjectPseudonym(key: try pseudonymKey(try signingIdentity())) }

    /// The gateway's signing identity; its certificate must carry the configured OIN.
    public func signingIdentity() throws -> SigningIdentity {
        let identity = try SigningIdentity(certificateFile: configuration.identity.certificate, keyFile: configuration.identity.key)
        guard identity.oin == configuration.identity.oin else {
            throw KetenpoortError(
                .configurationInvalid,
                "\(configuration.source.path): gateway.certificate carries OIN \(identity.oin?.value ?? "none"), gateway.oin says \(configuration.identity.oin)"
            )
        }
        return identity
    }

    /// The key of the gateway's keyed pseudonyms: the `gateway.pseudonymKey` secret file (made by
    /// `pki init`), which outlives certificate renewals; without it, one derived from the signing
    /// key (then pseudonyms on record change when that key does).
    func pseudonymKey(_ identity: SigningIdentity) throws -> Data {
        if let file = configuration.identity.pseudonymKey { return try SecretFile.read(file, key: "gateway.pseudonymKey") }
        let key = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: identity.privateKey.rawRepresentation), info: Data("ketenpoort incident pseudonym".utf8),
            outputByteCount: 32)
        return key.withUnsafeBytes { Data($0) }
    }

    /// Where flows keep scratch files (a sync's staging) and their locks: beside the store.
    public var scratchDirectory: URL { configuration.store.directory.appendingPathComponent("scratch") }

    /// Where the HTTPS inbox keeps the files it took in: beside the store.
    public var inboxDirectory: URL { configuration.store.directory.appendingPathComponent("inbox-received") }

    /// The contracts' retention periods, applied to the outbox, the held advices and the folders
    /// where files of an exchange are kept: the inbox, the drop folders' `processed/` and
    /// `rejected/`, the CBS delivery's local copy.
    public func dataRetention() -> DataRetention {
        var folders = workspace.contracts.contracts.keys.sorted().map {
            DataRetention.Folder(contract: $0, url: inboxDirectory.appendingPathComponent($0))
        }
        let exchanges = self.exchanges
        for schedule in configuration.schedules {
            guard let source = schedule.source,
                let contract = exchanges.first(where: { $0.job == schedule.job && $0.readsDropFolder })?.inboundContract
            else { continue }
            folders += ["processed", "rejected"].map { DataRetention.Folder(contract: contract, url: source.appendingPathComponent($0)) }
        }
        if let output = configuration.cbs?.outputDirectory { folders.append(DataRetention.Folder(contract: CbsLevering.contract, url: output)) }
        return DataRetention(
            contracts: workspace.contracts, store: store, folders: folders, audit: auditChain(), clock: clock, heldAdviceContract: AdviceFlow.flow)
    }

    /// The nightly sync COA → municipalities.
    public func coaGemeenteSync() throws -> CoaGemeenteSync {
        let identity = try signingIdentity()
        var sync = try CoaGemeenteSync(
            workspace: workspace, store: store, registry: configuration.registry, sealer: try BatchSealer(signer: identity),
            pseudonymKey: try pseudonymKey(identity), scratchDirectory: scratchDirectory, clock: clock,
            maxBatchRecords: configuration.delivery.maxBatchRecords)
        sync.audit = AuditChain(signer: identity, clock: clock, checkpointEvery: configuration.checkpointEvery)
        if case .postgres = configuration.store.engine { sync.nodeLease = configuration.scheduleLeaseDuration }
        return sync
    }
}
