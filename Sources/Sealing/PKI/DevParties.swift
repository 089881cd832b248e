import KetenpoortCore

/// The built-in development party list that `ketenpoort pki init` issues certificates for, until the
/// configuration's party registry takes its place. The OINs are invented, not the real ones.
public enum DevParties {
    /// The gateway itself.
    public static let gateway = identity("gateway", "00000001234567890000", "ketenpoort")

    /// The chain's partners and a handful of municipalities.
    public static let parties: [Party] = [
        party("coa", .coa, "00000001001234560000", "Centraal Orgaan opvang asielzoekers"),
        party("duo", .duo, "00000001002345670000", "Dienst Uitvoering Onderwijs"),
        party("ind", .ind, "00000001003456780000", "Immigratie- en Naturalisatiedienst"),
        party("cbs", .cbs, "00000001004567890000", "Centraal Bureau voor de Statistiek"),
        party("argonaut", .argonaut, "00000003005678900000", "Argonaut"),
        party("gm0363", .gemeente, "00000001100003630000", "Gemeente Amsterdam", "GM0363"),
        party("gm0344", .gemeente, "00000001100003440000", "Gemeente Utrecht", "GM0344"),
        party("gm0599", .gemeente, "00000001100005990000", "Gemeente Rotterdam", "GM0599"),
        party("gm0518", .gemeente, "00000001100005180000", "Gemeente 's-Gravenhage", "GM0518"),
        party("gm0014", .gemeente, "00000001100000140000", "Gemeente Groningen", "GM0014"),
        party("gm0772", .gemeente, "00000001100007720000", "Gemeente Eindhoven", "GM0772"),
        party("beheer", .operator, "00000001234567891000", "Functioneel beheer ketenpoort"),
    ]

    /// The gateway and every party, as the dev PKI issues them.
    public static let identities: [DevPKI.Identity] = [gateway] + parties.map { try! DevPKI.Identity($0) }

    // The literals above are fixed and valid: a failure here is a programming error.
    private static func identity(_ id: String, _ oin: String, _ name: String) -> DevPKI.Identity {
        try! DevPKI.Identity(id: id, oin: OIN(oin)!, organisation: name)
    }

    private static func party(_ id: String, _ role: Role, _ oin: String, _ name: String, _ gemeente: String? = nil) -> Party {
        Party(id: id, role: role, oin: OIN(oin)!, name: name, gemeente: gemeente.flatMap { GemeenteCode($0) })
    }
}
