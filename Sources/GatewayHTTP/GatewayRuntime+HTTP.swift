import Adapters
import Exchanges
import Foundation
import Gateway
import KetenpoortCore
import Logging
import Prometheus

/// The gateway's inbound HTTPS, built from its runtime: the API (IND status questions, subject
/// access, incidents) and the inbox.
extension GatewayRuntime {
    /// The gateway's HTTPS API (the IND status questions), writing through `writer`.
    public func gatewayServer(
        writer: ProcessingLogWriter, metricsRegistry: PrometheusCollectorRegistry? = nil, partnerCertificates: PartnerCertificates? = nil,
        logger: Logger = Logger(label: "ketenpoort.api")
    ) throws -> GatewayServer {
        return GatewayServer(
            configuration: .init(
                listener: mutualTLSListener(host: configuration.server.host, port: configuration.server.port),
                openAPIDocument: workspace.statusAPIDocument),
            registry: configuration.registry,
            api: StatusQueryAPI(store: store, writer: writer, pseudonym: try subjectPseudonym(), clock: clock),
            incidents: incidentRegister(), inbox: try gatewayInbox(), producers: inboxProducers(), metricsRegistry: metricsRegistry,
            partnerCertificates: partnerCertificates, logger: logger)
    }

    /// A mutual-TLS listener on `host`:`port` with the gateway's certificate, trusting its CA bundle.
    public func mutualTLSListener(host: String, port: Int) -> MutualTLSListener {
        configuration.mutualTLSListener(host: host, port: port)
    }

    /// The HTTPS inbox: which contracts' files it takes, and what it does with each (what the
    /// matching command does with a file given on the command line).
    public func gatewayInbox() throws -> GatewayInbox {
        var processors: [String: InboxProcessor] = [:]
        for exchange in exchanges {
            guard let contract = exchange.inboundContract, let take = exchange.takeFile else { continue }
            processors[contract] = InboxProcessor(fileName: try inboundFileName(contract), process: take)
        }
        return GatewayInbox(
            directory: inboxDirectory, processors: processors, trustedCA: configuration.identity.caBundle, signer: try signingIdentity(),
            clock: clock,
            store: store, leaseDuration: configuration.scheduleLeaseDuration)
    }

    /// The file-name rule of the partner whose files of `contract` the gateway takes in (its adapter's `fileName`).
    func inboundFileName(_ contract: String) throws -> FileNameTemplate {
        let mapping = try workspace.adapters.inbound(contract: contract).mapping
        guard let fileName = mapping.fileName else {
            throw KetenpoortError(.configurationInvalid, "\(mapping.source): no fileName: the inbox cannot tell which files of \(contract) it takes")
        }
        return fileName
    }

    /// The producer role of every contract the inbox takes.
    func inboxProducers() -> [String: Role] {
        var producers: [String: Role] = [:]
        for contract in workspace.contracts.contracts.values { if let producer = contract.producer { producers[contract.id] = producer } }
        return producers
    }
}

extension GatewayConfiguration {
    /// A mutual-TLS listener on `host`:`port` with the gateway's certificate, trusting its CA bundle
    /// (without a runtime: `bench-baseline-server` opens no store).
    public func mutualTLSListener(host: String, port: Int) -> MutualTLSListener {
        MutualTLSListener(host: host, port: port, certificateChain: identity.certificate, privateKey: identity.key, trustedCA: identity.caBundle)
    }
}
