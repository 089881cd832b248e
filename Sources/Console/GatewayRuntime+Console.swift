import Exchanges
import Foundation
import Gateway
import GatewayHTTP
import HTTPClient
import KetenpoortCore

/// The operator console of `console:`, built from the node's runtime.
extension GatewayRuntime {
    /// The console server, nil when the section is not there; its connection tests go through
    /// `client`, and it shows the partners' certificates as the delivery worker saw them.
    public func consoleServer(client: CurlClient, partnerCertificates: PartnerCertificates) -> ConsoleServer? {
        guard let settings = configuration.console else { return nil }
        let identity = configuration.identity
        let console = OperatorConsole(
            store: store, registry: configuration.registry, audit: auditChain(), incidents: incidentRegister(), maintenance: maintenanceMode,
            node: ProcessHolder.node, clock: clock, identity: identity, client: client, partnerCertificates: partnerCertificates,
            jobs: [CoaGemeenteSync.job, DuoIngest.job, CbsLevering.job, AdviceFlow.flow, ConsentIngest.flow])
        return ConsoleServer(listener: mutualTLSListener(host: settings.host, port: settings.port), console: console)
    }
}
