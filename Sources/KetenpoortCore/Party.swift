/// The role a party plays in the chain; it decides which exchanges and fields it may receive.
public enum Role: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Central Agency for the Reception of Asylum Seekers.
    case coa
    /// A municipality (gemeente).
    case gemeente
    /// Education executive agency (Dienst Uitvoering Onderwijs).
    case duo
    /// Immigration and Naturalisation Service.
    case ind
    /// Statistics Netherlands.
    case cbs
    /// DUO's medical adviser.
    case argonaut
    /// The gateway's own operators (functioneel beheer): the console, nothing else.
    case `operator`

    public var description: String { rawValue }
}

/// A party in the chain: a public body identified by its OIN.
public struct Party: Hashable, Sendable, CustomStringConvertible {
    /// Short registry id, e.g. `gm0363`, `duo`.
    public let id: String
    public let role: Role
    public let oin: OIN
    /// Display name (an organisation, not a person).
    public let name: String
    /// For municipalities: their code.
    public let gemeente: GemeenteCode?

    public init(id: String, role: Role, oin: OIN, name: String, gemeente: GemeenteCode? = nil) {
        self.id = id
        self.role = role
        self.oin = oin
        self.name = name
        self.gemeente = gemeente
    }

    public var description: String { "\(id) (\(role), OIN \(oin))" }
}
