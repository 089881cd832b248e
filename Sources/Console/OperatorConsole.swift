import Foundation
import Gateway
import HTTPClient
import KetenpoortCore
import Sealing
import Store

/// What the console shows and does, whatever serves it: one node's view of the shared store (the
/// outbox, runs, incidents, the audit chain), its maintenance mode, and the operators' actions —
/// each of which lands in the audit chain with the operator's name and OIN. Ids, counts, times
/// and outcomes only: no BSN, name or health data is ever read for it.
public struct OperatorConsole: Sendable {
    let store: any Store
    let registry: PartyRegistry
    let audit: AuditChain
    let incidents: IncidentRegister
    let maintenance: MaintenanceMode
    let node: String
    let clock: any WallClock
    /// The gateway's identity: its certificate and key for connection tests, its CA bundle for
    /// checking the audit chain's checkpoints.
    let identity: GatewayConfiguration.Identity
    let client: CurlClient
    let partnerCertificates: PartnerCertificates
    /// The jobs whose runs are listed (`coa-gemeenten`, `duo-ingest`, …).
    let jobs: [String]
    /// How long a connection test waits.
    let connectionTestTimeout: Duration

    public init(
        store: any Store, registry: PartyRegistry, audit: AuditChain, incidents: IncidentRegister, maintenance: MaintenanceMode, node: String,
        clock: any WallClock, identity: GatewayConfiguration.Identity, client: CurlClient, partnerCertificates: PartnerCertificates, jobs: [String],
        connectionTestTimeout: Duration = .seconds(10)
    ) {
        self.store = store
        self.registry = registry
        self.audit = audit
        self.incidents = incidents
        self.maintenance = maintenance
        self.node = node
        self.clock = clock
        self.identity = identity
        self.client = client
        self.partnerCertificates = partnerCertificates
        self.jobs = jobs
        self.connectionTestTimeout = connectionTestTimeout
    }

    /// The parties batches go to (those with an endpoint), in registry order.
    var recipients: [RegisteredParty] { registry.parties.filter { $0.endpoint != nil } }

    /// Appends an operator's action to the audit chain.
    func record(_ event: AuditEvent) async throws {
        let audit = audit
        _ = try await store.write { tx in try audit.append(event, in: tx) }
    }
}
