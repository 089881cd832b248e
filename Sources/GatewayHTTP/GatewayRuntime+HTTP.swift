import Adapters
import Exchanges
import Foundation
import KetenpoortCore
import Logging

/// The gateway's inbound HTTPS, built from its runtime: the API (IND status questions, subject
/// access, incidents) and the inbox.
extension GatewayRuntime {
    /// The gateway's HTTPS API (the IND status questions), writing through `writer`.
    public func gatewayServer(writer: ProcessingLogWriter, logger: Logger = Logger(label: "ketenpoort.api")) throws -> GatewayServer {
        let identity = configuration.identity
        return GatewayServer(
            configuration: .init(
                host: configuration.server.host, port: configuration.server.port, certificateChain: identity.certificate, privateKey: identity.key,
                trustedCA: identity.caBundle, openAPIDocument: workspace.statusAPIDocument),
            registry: configuration.registry,
            api: StatusQueryAPI(store: store, writer: writer, pseudonym: try subjectPseudonym(), clock: clock),
            incidents: incidentRegister(), inbox: try gatewayInbox(), producers: inboxProducers(), logger: logger)
    }

    /// The HTTPS inbox: which contracts' files it takes, and what it does with each (what the
    /// matching command does with a file given on the command line).
    public func gatewayInbox() throws -> GatewayInbox {
        let runtime = self
        let processors: [String: InboxProcessor] = [
            "coa-tvs-export": InboxProcessor(fileName: try inboundFileName("coa-tvs-export")) { file in
                let sync = try runtime.coaGemeenteSync()
                do {
                    let report = try sync.run(input: file)
                    return (report.validation.isRejected ? "rejected" : "applied", report.validation)
                } catch let error as KetenpoortError where error.code == .syncAlreadyApplied {
                    // Applied before its receipt was written (a crash in between): the receipt it should have had.
                    guard let date = sync.snapshotDate(fileName: file.lastPathComponent),
                        let report = try sync.recordedReport(run: CoaGemeenteSync.runID(date))
                    else { throw error }
                    return ("applied", report.validation)
                }
            },
            "duo-status-extract": InboxProcessor(fileName: try inboundFileName("duo-status-extract")) { file in
                let report = try runtime.duoIngest().run(file: file)
                return (report.outcome.rawValue, report.validation)
            },
            "toestemming": InboxProcessor(fileName: try inboundFileName("toestemming")) { file in
                let report = try runtime.consentIngest().run(file: file)
                return (report.validation.isRejected ? "rejected" : "applied", report.validation)
            },
            "argonaut-advies": InboxProcessor(fileName: try inboundFileName("argonaut-advies")) { file in
                let report = try runtime.adviceFlow().ingest(file: file)
                return (report.validation.isRejected ? "rejected" : "applied", report.validation)
            },
        ]
        return GatewayInbox(
            directory: inboxDirectory, processors: processors, trustedCA: configuration.identity.caBundle, signer: try signingIdentity(), clock: clock
        )
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
