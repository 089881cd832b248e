import Adapters
import Contracts
import Foundation
import Gateway
import KetenpoortCore

/// Who an advice may reach, decided by the contract, not by the configuration: the roles the
/// contract names as consumers and lets receive every field, and that the outbound format is for.
/// Exactly one registered party must play such a role (for `argonaut-advies`: DUO); none, or more
/// than one, and nothing is released.
public enum AdviceRecipient {
    /// The roles `contract` allows to receive all of its items, through `outbound`.
    public static func allowedRoles(contract: DataContract, outbound: OutboundAdapter) -> Set<Role> {
        var roles = Set(contract.consumers)
        for field in contract.item.fields { roles.formIntersection(field.recipients) }
        return roles.intersection([outbound.recipient])
    }

    /// The one registered party the advice may go to; an `advice.no-recipient` error otherwise.
    public static func resolve(contract: DataContract, outbound: OutboundAdapter, registry: PartyRegistry) throws -> RegisteredParty {
        let roles = allowedRoles(contract: contract, outbound: outbound)
        let candidates = registry.parties.filter { roles.contains($0.party.role) }
        let names = roles.map(\.rawValue).sorted().joined(separator: ", ")
        guard candidates.count == 1, let party = candidates.first else {
            throw KetenpoortError(
                .adviceNoRecipient,
                "contract \(contract.id) allows only role \(names); the registry has \(candidates.count) such parties (exactly one is needed)")
        }
        guard party.endpoint != nil, party.caBundle != nil else {
            throw KetenpoortError(.adviceNoRecipient, "party \(party.party.id) (role \(party.party.role)) has no endpoint and CA bundle")
        }
        return party
    }

    /// The recipient as consents name it: `DUO` for the role, the code for a municipality.
    public static func consentName(of party: RegisteredParty) -> String {
        party.party.gemeente?.value ?? party.party.role.rawValue.uppercased()
    }
}
