import Foundation
import KetenpoortCore
import Store

/// Writes the consent decision log: one entry per decision, in the transaction that moves (or
/// withholds) the data, before it moves. Subjects appear as keyed pseudonyms of their BSN.
public struct ConsentDecisionLog: Sendable {
    let pseudonym: SubjectPseudonym
    /// The flow whose decisions these are (`coa-gemeenten`, `argonaut-advies`).
    let flow: String

    public init(pseudonym: SubjectPseudonym, flow: String) {
        self.pseudonym = pseudonym
        self.flow = flow
    }

    /// Records `outcome` for `bsn` (nil: no BSN known) and `recipient`: one entry per purpose.
    public func record(
        _ outcome: ConsentPolicy.Outcome, bsn: String?, person: PersonKey, recipient: String, at moment: Date, reference: String,
        in tx: any StoreTransaction
    ) throws {
        try tx.appendDecisions(entries(outcome, bsn: bsn, person: person, recipient: recipient, at: moment, reference: reference))
    }

    /// The entries that record `outcome` for `bsn` and `recipient`: one per purpose. A batch job
    /// gathers those of many persons and appends them together (`appendDecisions`).
    public func entries(
        _ outcome: ConsentPolicy.Outcome, bsn: String?, person: PersonKey, recipient: String, at moment: Date, reference: String
    ) -> [ConsentDecision] {
        let subject = pseudonym.of(bsn.map { PersonKey(value: "b:" + $0) } ?? person)
        return outcome.consents.map { purpose, consent in
            ConsentDecision(
                at: moment, isAllowed: consent != nil, subject: subject, purpose: purpose, recipient: recipient, consent: consent?.reference,
                flow: flow, reference: reference)
        }
    }
}
