import Foundation
import KetenpoortCore

/// A party as the registry knows it: who it is, and where and how to deliver to it.
public struct RegisteredParty: Sendable {
    public let party: Party
    /// The HTTPS endpoint batches are POSTed to (none for parties that only call in).
    public let endpoint: URL?
    /// The CA bundle the endpoint's certificate must chain to (only this; not the system roots).
    public let caBundle: URL?
    /// Optional public-key pin `sha256//<base64>`.
    public let pin: String?

    public init(party: Party, endpoint: URL? = nil, caBundle: URL? = nil, pin: String? = nil) {
        self.party = party
        self.endpoint = endpoint
        self.caBundle = caBundle
        self.pin = pin
    }
}

/// The parties of the chain, looked up by id, OIN, or municipality code.
public struct PartyRegistry: Sendable {
    public let parties: [RegisteredParty]
    private let byID: [String: Int]
    private let byOIN: [String: Int]
    private let byGemeente: [String: Int]

    /// Fails when an id, an OIN or a municipality code occurs twice.
    public init(_ parties: [RegisteredParty], file: String = "registry") throws {
        self.parties = parties
        var byID: [String: Int] = [:], byOIN: [String: Int] = [:], byGemeente: [String: Int] = [:]
        for (index, entry) in parties.enumerated() {
            guard byID.updateValue(index, forKey: entry.party.id) == nil else {
                throw KetenpoortError(.configurationInvalid, "\(file): parties: id '\(entry.party.id)' occurs twice")
            }
            guard byOIN.updateValue(index, forKey: entry.party.oin.value) == nil else {
                throw KetenpoortError(.configurationInvalid, "\(file): parties: OIN \(entry.party.oin) occurs twice")
            }
            if let code = entry.party.gemeente, byGemeente.updateValue(index, forKey: code.value) != nil {
                throw KetenpoortError(.configurationInvalid, "\(file): parties: municipality \(code) occurs twice")
            }
        }
        self.byID = byID
        self.byOIN = byOIN
        self.byGemeente = byGemeente
    }

    public func party(id: String) -> RegisteredParty? { byID[id].map { parties[$0] } }
    public func party(oin: OIN) -> RegisteredParty? { byOIN[oin.value].map { parties[$0] } }
    /// The municipality registered under `code`, if any.
    public func gemeente(_ code: String) -> RegisteredParty? { byGemeente[code].map { parties[$0] } }
}
