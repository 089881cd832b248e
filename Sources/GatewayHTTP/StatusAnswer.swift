import Foundation
import KetenpoortCore
import Store

/// The answer to one question (formats.md §4): exactly these fields, nothing else about the person.
/// The reason of an exemption never leaves DUO's codes: `OM`, `OI` and `OO` all answer `ontheven`.
struct StatusAnswer: Sendable, Equatable {
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

extension StatusAnswer {
    /// The answer as JSON, keys sorted, absent fields left out — written directly (this is the
    /// API's hot path; `JSONEncoder` would cost more than the lookup).
    func appendJSON(to out: inout String) {
        out += "{\"bron\":\"\(bron)\",\"inburgeringsplichtig\":\(inburgeringsplichtig)"
        out += ",\"peildatum\":"
        Self.appendString(peildatum, to: &out)
        for (key, value) in [("regime", regime), ("status", status), ("statusdatum", statusdatum), ("termijnEinde", termijnEinde)] {
            guard let value else { continue }
            out += ",\"\(key)\":"
            Self.appendString(value, to: &out)
        }
        out += "}"
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped.
    static func appendString(_ text: String, to out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The JSON of one answer, or of a bulk answer (`{"antwoorden": [...]}`).
    static func json(_ answers: [StatusAnswer], bulk: Bool) -> Data {
        var out = ""
        out.reserveCapacity(bulk ? 160 * answers.count + 16 : 192)
        if bulk {
            out += "{\"antwoorden\":["
            for (index, answer) in answers.enumerated() {
                if index > 0 { out += "," }
                answer.appendJSON(to: &out)
            }
            out += "]}"
        } else {
            answers[0].appendJSON(to: &out)
        }
        return Data(out.utf8)
    }
}
