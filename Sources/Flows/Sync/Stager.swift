import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Store

/// Encodes notifications and stages them in the store, numbered per municipality.
struct Stager {
    let run: String
    let tx: any StoreTransaction
    let outbound: OutboundAdapter
    let object: SchemaObject
    /// Where the consent decisions of staged notifications go, and at which moment they were taken.
    let decisions: ConsentDecisionLog?
    let moment: Date
    var sequence = 0

    init(run: String, tx: any StoreTransaction, outbound: OutboundAdapter, object: SchemaObject, decisions: ConsentDecisionLog? = nil, moment: Date = Date()) {
        self.run = run
        self.tx = tx
        self.outbound = outbound
        self.object = object
        self.decisions = decisions
        self.moment = moment
    }

    /// The `<Kennisgeving>` element of `record`, with the consent-bound fields whose purpose is in
    /// `consented` (none by default).
    func fragment(_ record: Record, soort: String, consented: Set<String> = []) throws -> Data {
        var bytes: [UInt8] = []
        try outbound.encode(record, context: ["soort": .text(soort)], consented: consented, into: &bytes)
        return Data(bytes)
    }

    /// Stages a notification; the consent decision its content rests on is logged first.
    mutating func stage(_ fragment: Data, soort: String, state: SentState, consent: ConsentPolicy.Outcome? = nil) throws {
        if let consent, let decisions {
            try decisions.record(consent, bsn: state.bsn, person: state.person, recipient: state.gemeente, at: moment, reference: run, in: tx)
        }
        sequence += 1
        try tx.stage(StagedNotification(run: run, gemeente: state.gemeente, sequence: sequence, soort: soort, fragment: fragment, state: state, person: state.person))
    }

    /// A withdrawal carries the identifiers only.
    mutating func stageWithdrawal(_ state: SentState) throws {
        var record = Record(object: object)
        if let bsn = state.bsn { record["bsn"] = .text(bsn) }
        if let vnummer = state.vnummer { record["vnummer"] = .text(vnummer) }
        sequence += 1
        try tx.stage(StagedNotification(
            run: run, gemeente: state.gemeente, sequence: sequence, soort: "intrekking", fragment: try fragment(record, soort: "intrekking"),
            state: nil, person: state.person))
    }
}
