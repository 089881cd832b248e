import Contracts
import Foundation
import KetenpoortCore

/// `ketenpoort.yaml`: the gateway's identity, the party registry, the store, the schedules and the
/// delivery limits. Paths are relative to the file's directory. A bad value fails at start with
/// the file, the line, the key and the problem.
public struct GatewayConfiguration: Sendable {
    /// The gateway itself: its OIN and the PEM files it signs and connects with.
    public struct Identity: Sendable {
        public let oin: OIN
        public let name: String
        public let certificate: URL
        public let key: URL
        public let caBundle: URL
        /// The key of the gateway's keyed pseudonyms (processing log, incidents, decision log).
        public var pseudonymKey: URL? = nil
    }

    public struct StoreSettings: Sendable {
        /// Which engine keeps the store.
        public enum Engine: Sendable {
            /// The embedded default: one SQLite file at `path`.
            case sqlite
            /// A PostgreSQL database several nodes share.
            case postgres(PostgresSettings)
        }

        public let engine: Engine
        /// The SQLite store file (`path`); for PostgreSQL, where `directory` is when not given.
        public let path: URL
        /// The node's own working folder (scratch files, received inbox bodies): beside the SQLite
        /// file, or `store.directory` for PostgreSQL.
        public let directory: URL
    }

    /// `store: { engine: postgres, url: …, passwordFile: …, poolSize: …, node: … }`.
    public struct PostgresSettings: Sendable {
        /// libpq's connection URI or `key=value` string for the gateway role, without a password.
        public let url: String
        /// The gateway role's password, in a file readable by its owner only.
        public let passwordFile: URL?
        /// Connections for the store's transactions (three more serve the real-time path: two read DUO statuses, one writes the processing log).
        public let poolSize: Int
        /// This node's name in the processing log, claims and leases: `node`, else the environment's
        /// `KETENPOORT_NODE` (a pod's name), else the host name.
        public let node: String
        /// The owner role's connection, for `ketenpoort store migrate` only.
        public let ownerURL: String?
        /// The owner role's password file.
        public let ownerPasswordFile: URL?
    }

    public struct Schedule: Sendable {
        public let name: String
        public let cron: String
        public let job: String
        /// Where the job finds its input (a drop folder), if it reads files.
        public let source: URL?
    }

    /// Where the gateway's own HTTPS API listens (mutual TLS with the gateway's certificate).
    public struct ServerSettings: Sendable {
        public let host: String
        public let port: Int
    }

    public struct DeliveryLimits: Sendable {
        public let maxBatchRecords: Int
        /// Payload bytes the delivery worker keeps in flight at most (`maxInFlightMiB`).
        public var maxInFlightBytes = 8 << 20
        /// Attempts in flight to one recipient at most (`maxInFlightPerRecipient`), so a stalled
        /// recipient holds only its own slots.
        public var maxInFlightPerRecipient = 2
        public let maxAttempts: Int
        public let initialBackoff: Double
        public let maxBackoff: Double
        public let timeout: Double
        /// How long a node's claim on a batch lasts unless renewed (`claimSeconds`): the batches of
        /// a node that died are taken over after it.
        public var claimDuration: Double = 30
    }

    public let identity: Identity
    public let registry: PartyRegistry
    public let store: StoreSettings
    public let schedules: [Schedule]
    /// How long a node's lease on a scheduled run lasts unless renewed (`scheduler.leaseSeconds`):
    /// the run of a node that died is taken over after it.
    public var scheduleLeaseDuration: Double = 60
    public let delivery: DeliveryLimits
    public let server: ServerSettings
    /// Sign an audit checkpoint every this many chain entries.
    public let checkpointEvery: Int
    /// The CBS statistics deliveries (`cbs:`), when configured.
    public var cbs: CbsSettings? = nil
    /// The health port (`health:`), when configured.
    public var health: HealthSettings? = nil
    /// The operator console (`console:`), when configured.
    public var console: ConsoleSettings? = nil
    public let source: URL

    /// Loads and checks `url`.
    public static func load(contentsOf url: URL) throws -> GatewayConfiguration {
        let root = try YAMLNode.load(contentsOf: url)
        let base = url.deletingLastPathComponent()
        func path(_ node: YAMLNode) throws -> URL {
            let text = try node.string()
            return text.hasPrefix("/") ? URL(fileURLWithPath: text) : base.appendingPathComponent(text)
        }
        func oin(_ node: YAMLNode) throws -> OIN {
            guard let oin = OIN(try node.string()) else { throw node.error("not an OIN (20 digits)", code: .configurationInvalid) }
            return oin
        }
        let gateway = try root.required("gateway")
        let identity = Identity(
            oin: try oin(try gateway.required("oin")), name: try gateway["name"]?.string() ?? "ketenpoort",
            certificate: try path(try gateway.required("certificate")), key: try path(try gateway.required("key")),
            caBundle: try path(try gateway.required("caBundle")), pseudonymKey: try gateway["pseudonymKey"].map(path))
        var parties: [RegisteredParty] = []
        for node in try root.required("parties").items() {
            let role = try node.required("role").value(of: Role.self)
            var gemeente: GemeenteCode?
            if let codeNode = node["gemeente"] {
                guard let code = GemeenteCode(try codeNode.string()) else {
                    throw codeNode.error("not a municipality code (GM + 4 digits)", code: .configurationInvalid)
                }
                gemeente = code
            }
            if role == .gemeente && gemeente == nil {
                throw node.error("a gemeente needs its municipality code (gemeente: GMxxxx)", code: .configurationInvalid)
            }
            var endpoint: URL?
            if let endpointNode = node["endpoint"] {
                let text = try endpointNode.string()
                guard let url = URL(string: text), url.scheme == "https", url.host != nil else {
                    throw endpointNode.error("the endpoint must be an https:// URL", code: .configurationInvalid)
                }
                endpoint = url
            }
            var pin: String?
            if let pinNode = node["pin"] {
                let text = try pinNode.string()
                guard text.hasPrefix("sha256//"), Data(base64Encoded: String(text.dropFirst(8)))?.count == 32 else {
                    throw pinNode.error("a pin is sha256// followed by the base64 SHA-256 of the public key", code: .configurationInvalid)
                }
                pin = text
            }
            parties.append(
                RegisteredParty(
                    party: Party(
                        id: try node.required("id").string(), role: role, oin: try oin(try node.required("oin")),
                        name: try node["name"]?.string() ?? "", gemeente: gemeente),
                    endpoint: endpoint, caBundle: try node["caBundle"].map(path), pin: pin))
        }
        let registry = try PartyRegistry(parties, file: url.path)
        let storeNode = try root.required("store")
        let storeSettings: StoreSettings
        switch try storeNode["engine"]?.string() ?? "sqlite" {
        case "sqlite":
            let file = try path(try storeNode.required("path"))
            storeSettings = StoreSettings(engine: .sqlite, path: file, directory: file.deletingLastPathComponent())
        case "postgres":
            let poolSize = try storeNode["poolSize"]?.int() ?? 4
            guard (1...64).contains(poolSize) else {
                throw try storeNode.required("poolSize").error("must be 1–64 connections", code: .configurationInvalid)
            }
            let url = try storeNode.required("url").string()
            if url.contains("password=") || url.range(of: #"://[^/@]*:[^/@]*@"#, options: .regularExpression) != nil {
                throw try storeNode.required("url").error("put the password in passwordFile, not in the URL", code: .configurationInvalid)
            }
            let node =
                try storeNode["node"]?.string() ?? ProcessInfo.processInfo.environment["KETENPOORT_NODE"] ?? ProcessInfo.processInfo.hostName
            let directory = try path(try storeNode.required("directory"))
            storeSettings = StoreSettings(
                engine: .postgres(
                    PostgresSettings(
                        url: url, passwordFile: try storeNode["passwordFile"].map(path), poolSize: poolSize, node: node,
                        ownerURL: try storeNode["ownerUrl"]?.string(), ownerPasswordFile: try storeNode["ownerPasswordFile"].map(path))),
                path: directory.appendingPathComponent("ketenpoort.sqlite"), directory: directory)
        default:
            throw try storeNode.required("engine").error("the engine is sqlite (embedded) or postgres", code: .configurationInvalid)
        }
        var schedules: [Schedule] = []
        for node in try root["schedules"]?.items() ?? [] {
            schedules.append(
                Schedule(
                    name: try node.required("name").string(), cron: try node.required("cron").string(), job: try node.required("job").string(),
                    source: try node["source"].map(path)))
        }
        let limits = root["delivery"]
        var delivery = DeliveryLimits(
            maxBatchRecords: try limits?["maxBatchRecords"]?.int() ?? 5_000, maxAttempts: try limits?["maxAttempts"]?.int() ?? 8,
            initialBackoff: Double(try limits?["initialBackoffSeconds"]?.int() ?? 2),
            maxBackoff: Double(try limits?["maxBackoffSeconds"]?.int() ?? 600),
            timeout: Double(try limits?["timeoutSeconds"]?.int() ?? 30))
        if let megabytes = try limits?["maxInFlightMiB"]?.int() {
            guard megabytes >= 1 else { throw try limits!.required("maxInFlightMiB").error("must be at least 1", code: .configurationInvalid) }
            delivery.maxInFlightBytes = megabytes << 20
        }
        if let perRecipient = try limits?["maxInFlightPerRecipient"]?.int() {
            guard perRecipient >= 1 else {
                throw try limits!.required("maxInFlightPerRecipient").error("must be at least 1", code: .configurationInvalid)
            }
            delivery.maxInFlightPerRecipient = perRecipient
        }
        if let seconds = try limits?["claimSeconds"]?.int() {
            guard seconds >= 3 else { throw try limits!.required("claimSeconds").error("must be at least 3 seconds", code: .configurationInvalid) }
            delivery.claimDuration = Double(seconds)
        }
        if delivery.maxBatchRecords < 1 { throw try limits!.required("maxBatchRecords").error("must be at least 1", code: .configurationInvalid) }
        let serverNode = root["server"]
        let server = ServerSettings(host: try serverNode?["host"]?.string() ?? "127.0.0.1", port: try serverNode?["port"]?.int() ?? 8443)
        if !(0...65535).contains(server.port) {
            throw try serverNode!.required("port").error("must be a port number (0–65535)", code: .configurationInvalid)
        }
        let checkpointEvery = try root["audit"]?["checkpointEvery"]?.int() ?? 100
        if checkpointEvery < 1 {
            throw try root.required("audit").required("checkpointEvery").error("must be at least 1", code: .configurationInvalid)
        }
        var configuration = GatewayConfiguration(
            identity: identity, registry: registry, store: storeSettings,
            schedules: schedules, delivery: delivery, server: server, checkpointEvery: checkpointEvery,
            cbs: try root["cbs"].map { try CbsSettings(node: $0, path: path) },
            source: url)
        configuration.health = try root["health"].map { try HealthSettings(node: $0) }
        configuration.console = try root["console"].map { try ConsoleSettings(node: $0) }
        if let seconds = try root["scheduler"]?["leaseSeconds"]?.int() {
            guard seconds >= 3 else {
                throw try root.required("scheduler").required("leaseSeconds").error("must be at least 3 seconds", code: .configurationInvalid)
            }
            configuration.scheduleLeaseDuration = Double(seconds)
        }
        return configuration
    }
}

extension KetenpoortError.Code {
    public static let configurationInvalid: Self = "configuration.invalid"
}
