import Crypto
import Exchanges
import Foundation
import HTTPClient
import KetenpoortCore
import Sealing
import Store

/// A subject access request (GDPR art. 15, `ketenpoort inzage`): every processing of one person's
/// data the gateway has on record — when, by whom, for which purpose — from the processing log,
/// the nightly sync's sent state, the DUO status store, the consent register and its decision
/// log, the CBS deliveries whose file holds the person's pseudonym, and the incident register.
/// Answering it is itself a processing, and is logged as one.
public struct SubjectAccess: Sendable {
    public static let activity = "inzageverzoek"

    /// One processing, as a person reads it.
    public struct Processing: Codable, Sendable, Equatable {
        /// ISO 8601 instant, or a date when only the day is known.
        public let when: String
        /// The party (name and OIN) for which, or by which, the data was processed.
        public let by: String
        public let activity: String
        public let purpose: String
        public let details: String
    }

    let runtime: GatewayRuntime

    public init(runtime: GatewayRuntime) { self.runtime = runtime }

    /// The processings of `bsn`'s data, oldest first; the request itself is logged first.
    public func processings(of bsn: BSN) throws -> [Processing] {
        let pseudonym = try runtime.subjectPseudonym()
        let registry = runtime.configuration.registry
        let gateway = runtime.configuration.identity
        let subject = pseudonym.of(PersonKey(value: "b:" + bsn.digits))
        let now = runtime.clock.now()
        let trace = TraceParent.random()
        try runtime.store.processingLog.append([
            ProcessingLogEntry(
                traceID: trace.traceID, spanID: trace.spanID, parentSpanID: nil, activity: Self.activity, callerOIN: gateway.oin.value,
                purpose: "AVG art. 15", caseNumber: nil, subject: subject, outcome: "beantwoord", at: now)
        ])
        let logged = try runtime.store.processingLog.processings(subject: subject)
        func party(_ oin: String) -> String {
            guard let known = OIN(oin).flatMap(registry.party(oin:)) else { return "OIN \(oin)" }
            return "\(known.party.name.isEmpty ? known.party.id : known.party.name) (OIN \(oin))"
        }
        let format = ISO8601DateFormatter()
        format.timeZone = .amsterdam
        // The person's pseudonym in the CBS deliveries (nil: the key cannot be read now).
        let cbsPseudonym = (try? runtime.configuration.cbs?.deliveryKey()).map { key in
            Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(bsn.digits.utf8), using: SymmetricKey(data: key)))
        }
        let duoStatus = try runtime.store.duoStatus.read { tx -> (DuoStatus, DuoExtractMark)? in
            guard let status = try tx.duoStatus(bsn: bsn.digits), let mark = try tx.lastDuoExtract() else { return nil }
            return (status, mark)
        }
        return try runtime.store.read { tx in
            var result: [Processing] = []
            for entry in logged {
                result.append(
                    Processing(
                        when: format.string(from: entry.at), by: party(entry.callerOIN), activity: entry.activity, purpose: entry.purpose,
                        details: [entry.caseNumber.map { "zaak \($0)" }, "uitkomst \(entry.outcome)"].compactMap { $0 }.joined(separator: ", ")))
            }
            let sent = try tx.sentStates(bsn: bsn.digits)
            for state in sent {
                let run = try tx.runs(job: CoaGemeenteSync.job).first { $0.id == state.lastRun }
                let municipality = registry.gemeente(state.gemeente)
                result.append(
                    Processing(
                        when: run.map { format.string(from: $0.finishedAt) } ?? state.lastRun.value,
                        by: municipality.map { party($0.party.oin.value) } ?? state.gemeente, activity: "coa-gemeente-kennisgeving",
                        purpose: "Wi2021 art. 6, 7: de gemeente van koppeling informeren",
                        details: "gegevens uit de COA-momentopname verstrekt aan \(state.gemeente) (nachtelijke synchronisatie)"))
            }
            if let (status, mark) = duoStatus {
                result.append(
                    Processing(
                        when: mark.creationDate.iso, by: party(registry.parties.first { $0.party.role == .duo }?.party.oin.value ?? "DUO"),
                        activity: "duo-statusextract", purpose: "inburgeringsstatus bijhouden voor de statusvragen van de IND",
                        details: "status ontvangen van DUO (extract \(mark.sequence)); regime \(status.regime == "1" ? "Wi2021" : "Wi2013")"))
            }
            for version in try tx.consentVersions(bsn: bsn.digits) {
                let state = version.withdrawnAt != nil ? "ingetrokken" : "gegeven"
                result.append(
                    Processing(
                        when: format.string(from: version.receivedAt),
                        by: party(registry.parties.first { $0.party.role == .duo }?.party.oin.value ?? "DUO"),
                        activity: "toestemming", purpose: "toestemmingsregister bijhouden (AVG art. 7, art. 9 lid 2 sub a)",
                        details: "toestemming \(version.reference) voor \(version.purpose) aan \(version.recipient): \(state)"))
            }
            for decision in try tx.decisions(subject: subject) {
                result.append(
                    Processing(
                        when: format.string(from: decision.at), by: party(gateway.oin.value), activity: "toestemmingsbesluit-\(decision.flow)",
                        purpose: "gezondheidsgegevens alleen met geldige toestemming verstrekken",
                        details: "\(decision.isAllowed ? "toegestaan" : "geweigerd"): \(decision.purpose) aan \(decision.recipient)"
                            + (decision.consent.map { " (toestemming \($0))" } ?? "")))
            }
            let cbs = registry.parties.first { $0.party.role == .cbs }.map { party($0.party.oin.value) } ?? "CBS"
            let cbsPurpose = runtime.workspace.contracts.contracts[CbsLevering.contract]?.purpose ?? CbsLevering.contract
            for delivery in try tx.cbsDeliveries() {
                // Whether the file holds the person: nil when that cannot be told (no key, or the file is gone).
                let included = try cbsPseudonym.flatMap { try Self.csv(of: delivery.csvBatch, holdsLineStarting: $0, in: tx) }
                if included == false { continue }
                let unknown =
                    cbsPseudonym == nil
                    ? "; de CBS-sleutel is nu niet leesbaar: of deze persoon erin zat is niet na te gaan"
                    : "; de levering is na de bewaartermijn verwijderd: of deze persoon erin zat is niet meer na te gaan"
                result.append(
                    Processing(
                        when: format.string(from: delivery.createdAt), by: cbs, activity: "cbs-levering", purpose: cbsPurpose,
                        details:
                            "gepseudonimiseerd geleverd: periode \(delivery.period)\(delivery.correction > 0 ? ", correctie \(delivery.correction)" : "")"
                            + (included == nil ? unknown : "")))
            }
            let subjects = Set([subject] + sent.map { pseudonym.of($0.person) })
            for incident in try tx.incidents() where !subjects.isDisjoint(with: incident.subjects) {
                result.append(
                    Processing(
                        when: format.string(from: incident.detectedAt), by: party(gateway.oin.value), activity: "incident-\(incident.kind.rawValue)",
                        purpose: "AVG art. 33: datalek-incident registreren",
                        details:
                            "incident \(incident.id), \(incident.leftGateway ? "gegevens hebben de poort verlaten" : "tegengehouden in de poort")"))
            }
            return result.sorted { $0.when < $1.when }
        }
    }

    /// Whether the CSV of `batch` has a line starting with `pseudonym;` — read part by part; nil when
    /// its payload is gone (deleted at the end of its retention).
    static func csv(of batch: BatchID, holdsLineStarting pseudonym: String, in tx: any StoreTransaction) throws -> Bool? {
        guard try tx.payloadPart(batch: batch, part: 0) != nil else { return nil }
        let needle = Data(("\n" + pseudonym + ";").utf8)
        var found = false
        var tail = Data()
        try tx.forEachPayloadPart(of: batch) { part in
            guard !found else { return }
            let window = tail + part
            found = window.range(of: needle) != nil
            tail = window.suffix(needle.count - 1)
        }
        return found
    }
}
