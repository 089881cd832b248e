import Foundation
import Store

/// The answer to one question (formats.md §4): exactly these fields, nothing else about the person.
/// The reason of an exemption never leaves DUO's codes: `OM`, `OI` and `OO` all answer `ontheven`.
struct StatusAnswer: Encodable, Sendable, Equatable {
    let inburgeringsplichtig: Bool
    let regime: String?
    let status: String?
    let statusdatum: String?
    let termijnEinde: String?
    let peildatum: String
    let bron = "DUO"

    /// The answer for a person DUO does or does not know, as of the extract dated `peildatum`.
    init(_ status: DuoStatus?, peildatum: String) {
        self.peildatum = peildatum
        guard let status else {
            inburgeringsplichtig = false
            regime = nil
            self.status = nil
            statusdatum = nil
            termijnEinde = nil
            return
        }
        let answered = Self.status(code: status.status)
        // Exempt from the start (`VR`) means the obligation never applied.
        inburgeringsplichtig = answered != "vrijgesteld"
        regime = status.regime == "1" ? "Wi2021" : "Wi2013"
        self.status = answered
        statusdatum = status.statusdatum
        termijnEinde = status.termijnEinde
    }

    /// DUO's status code as the IND may see it; an unknown code answers `plichtig` (never more).
    static func status(code: String) -> String {
        switch code {
        case "VD": "voldaan"
        case "OM", "OI", "OO": "ontheven"
        case "VR": "vrijgesteld"
        case "VV": "vervallen"
        case "PV": "verwijtbaar-overschreden"
        default: "plichtig"
        }
    }
}

/// The answer to a bulk question: one answer per BSN, in the order asked.
struct BulkStatusAnswer: Encodable, Sendable {
    let antwoorden: [StatusAnswer]
}
