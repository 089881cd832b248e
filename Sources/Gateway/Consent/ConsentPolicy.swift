import Adapters
import Contracts
import Foundation
import KetenpoortCore
import Store

/// The consent policy of one outbound format for one run, read from its contract: the fields that
/// name a `consentPurpose` reach the recipient only while the subject's consent for that purpose
/// and that recipient is valid at the run's sealing moment. The consents of those purposes are
/// loaded once, so the per-record check is a dictionary lookup.
public struct ConsentPolicy: Sendable {
    /// One consent-bound field: where its value comes from in the input records, and its purpose.
    struct GatedField: Sendable {
        let slot: Int
        let purpose: String
    }

    /// The decision for one record and recipient, per purpose the record needs.
    public struct Outcome: Sendable {
        /// Per purpose: the consent version that allows it, or nil (denied).
        public let consents: [(purpose: String, consent: ConsentVersion?)]
        /// The purposes allowed: what `OutboundAdapter.encode(_:context:consented:)` takes.
        public var consented: Set<String> { Set(consents.filter { $0.consent != nil }.map(\.purpose)) }
        /// Whether every purpose the record needs is allowed.
        public var isAllowed: Bool { consents.allSatisfy { $0.consent != nil } }

        package init(consents: [(purpose: String, consent: ConsentVersion?)]) { self.consents = consents }
    }

    /// The moment consent must be valid at: the run's sealing moment.
    public let moment: Date
    let gated: [GatedField]
    let index: ConsentIndex

    /// The policy of `outbound` for records of `input`, with the consents in `tx` as they are now.
    public init(outbound: OutboundAdapter, input: SchemaObject, moment: Date, in tx: any StoreTransaction) throws {
        let mapping = outbound.mapping.item
        var gated: [GatedField] = []
        for field in mapping.fields {
            guard let spec = mapping.object.field(field.field), let purpose = spec.consentPurpose, spec.mayReach(outbound.recipient),
                let slot = input.slot(of: field.from), !gated.contains(where: { $0.slot == slot && $0.purpose == purpose })
            else { continue }
            gated.append(GatedField(slot: slot, purpose: purpose))
        }
        var versions: [ConsentVersion] = []
        for purpose in Set(gated.map(\.purpose)).sorted() { versions += try tx.consentVersions(purpose: purpose) }
        self.gated = gated
        self.index = ConsentIndex(versions: versions)
        self.moment = moment
    }

    /// The purposes the policy guards.
    public var purposes: Set<String> { Set(gated.map(\.purpose)) }

    /// The decision for `record` going to `recipient` (`DUO`, `GM0363`); nil when the record holds
    /// no consent-bound value (nothing to decide). Without a BSN no consent can match: denied.
    public func decide(_ record: Record, bsn: String?, recipient: String) -> Outcome? {
        var purposes: [String] = []
        for field in gated where !record.values[field.slot].isAbsent && !purposes.contains(field.purpose) {
            if case .text(let text) = record.values[field.slot], text.isEmpty { continue }
            purposes.append(field.purpose)
        }
        guard !purposes.isEmpty else { return nil }
        return Outcome(
            consents: purposes.map { purpose in
                (purpose, bsn.flatMap { index.validConsent(bsn: $0, purpose: purpose, recipient: recipient, at: moment) })
            })
    }

    /// The consent valid at `moment` for `bsn`, `purpose` and `recipient`, if any.
    public func validConsent(bsn: String, purpose: String, recipient: String, at moment: Date) -> ConsentVersion? {
        index.validConsent(bsn: bsn, purpose: purpose, recipient: recipient, at: moment)
    }
}
