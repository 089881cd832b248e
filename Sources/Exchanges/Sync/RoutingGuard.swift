import Foundation
import Gateway
import KetenpoortCore
import Store

/// The last check before sealing: every record of a batch must be addressed to the batch's
/// recipient. A mismatch blocks the whole batch and is recorded as a `misroute` incident; the
/// batch is never sent.
public struct RoutingGuard: Sendable {
    /// One record about to be sealed, with the municipality it is addressed to.
    public struct Item: Sendable {
        public let addressee: String
        public let person: PersonKey

        public init(addressee: String, person: PersonKey) {
            self.addressee = addressee
            self.person = person
        }
    }

    public init() {}

    /// The items not addressed to `recipient` (empty when the batch may be sealed).
    public func misrouted(_ items: [Item], recipient: GemeenteCode) -> [Item] {
        items.filter { $0.addressee != recipient.value }
    }

    /// The incident for a blocked batch: subjects as pseudonyms, nothing left the gateway.
    public func incident(batch: BatchID, recipient: RegisteredParty, misrouted: [Item], at: Date, pseudonym: (PersonKey) -> String) -> IncidentRecord
    {
        IncidentRecord(
            id: "misroute-\(batch)", kind: .misroute, detectedAt: at, recipient: recipient.party.id, batch: batch,
            subjects: misrouted.map { pseudonym($0.person) }, categories: [.identifier, .personal], leftGateway: false,
            details:
                "\(misrouted.count) record(s) addressed to another municipality were about to be sealed for \(recipient.party.id); the batch was blocked"
        )
    }
}
