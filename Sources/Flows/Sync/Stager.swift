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
    var sequence = 0

    init(run: String, tx: any StoreTransaction, outbound: OutboundAdapter, object: SchemaObject) {
        self.run = run
        self.tx = tx
        self.outbound = outbound
        self.object = object
    }

    /// The `<Kennisgeving>` element of `record`.
    func fragment(_ record: Record, soort: String) throws -> Data {
        var bytes: [UInt8] = []
        try outbound.encode(record, context: ["soort": .text(soort)], into: &bytes)
        return Data(bytes)
    }

    mutating func stage(_ fragment: Data, soort: String, state: SentState) throws {
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
