import Foundation
import KetenpoortCore

/// Why the IND asks (formats.md §4): the legal purpose that binds the answer.
enum Doelbinding: String, CaseIterable, Sendable {
    case naturalisatie
    case verblijfOnbepaaldeTijd = "verblijf-onbepaalde-tijd"
    case voortgezetVerblijf = "voortgezet-verblijf"
}

/// A checked question of `POST …/statusvragen` (one BSN) or `…/statusvragen/bulk` (up to 1,000).
struct StatusQuestion: Sendable {
    static let maximumBulk = 1_000

    let bsns: [BSN]
    let doelbinding: Doelbinding
    let zaaknummer: String

    /// Parses and checks a request body. A member named twice in one object and unknown fields
    /// are refused (one reading of the body; nothing more than needed may be sent); no problem
    /// detail repeats a value from the body. A BSN follows the one rule of every entry point
    /// (`BSN.normalized`: eight digits get their leading zero back), then the 11-test.
    static func parse(_ body: Data, bulk: Bool) throws(APIProblem) -> StatusQuestion {
        if !bulk, let question = plainSingle(body) { return question }
        return try parseAnyForm(body, bulk: bulk)
    }

    /// `parse` for any body, through Foundation's JSON parser: every refusal is named here.
    static func parseAnyForm(_ body: Data, bulk: Bool) throws(APIProblem) -> StatusQuestion {
        if let name = DuplicateJSONKeys.first(in: body) {
            throw .badRequest("request.duplicate-field", "the field '\(shown(name))' occurs more than once in one object (RFC 7493)")
        }
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw .badRequest("request.malformed", "the body must be a JSON object")
        }
        let known: Set<String> = bulk ? ["bsns", "doelbinding", "zaaknummer"] : ["bsn", "doelbinding", "zaaknummer"]
        if let unknown = object.keys.filter({ !known.contains($0) }).sorted().first {
            throw .badRequest("request.unknown-field", "the field '\(shown(unknown))' is not part of the question")
        }
        guard let purpose = object["doelbinding"] as? String else {
            throw .badRequest("request.doelbinding-missing", "doelbinding is required")
        }
        guard let doelbinding = Doelbinding(rawValue: purpose) else {
            throw .badRequest(
                "request.doelbinding-invalid", "doelbinding must be one of \(Doelbinding.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let zaaknummer = object["zaaknummer"] as? String else {
            throw .badRequest("request.zaaknummer-missing", "zaaknummer is required")
        }
        guard Self.isCaseNumber(zaaknummer) else {
            throw .badRequest("request.zaaknummer-invalid", "zaaknummer must be 1–64 of A-Z a-z 0-9 - _ . / and hold no BSN")
        }
        let texts: [Any]
        if bulk {
            guard let list = object["bsns"] as? [Any] else { throw .badRequest("request.bsns-missing", "bsns (a list) is required") }
            guard !list.isEmpty, list.count <= maximumBulk else {
                throw .badRequest("request.bulk-size", "bsns must hold 1 to \(maximumBulk) BSNs")
            }
            texts = list
        } else {
            guard let bsn = object["bsn"] else { throw .badRequest("request.bsn-missing", "bsn is required") }
            texts = [bsn]
        }
        var bsns: [BSN] = []
        bsns.reserveCapacity(texts.count)
        for (index, text) in texts.enumerated() {
            guard let text = text as? String, let bsn = BSN(text) else {
                let rule = "9 digits passing the 11-test, or 8 that do with a leading 0"
                throw .badRequest("request.bsn-invalid", bulk ? "bsns[\(index)] is not a valid BSN (\(rule))" : "bsn is not a valid BSN (\(rule))")
            }
            bsns.append(bsn)
        }
        return StatusQuestion(bsns: bsns, doelbinding: doelbinding, zaaknummer: zaaknummer)
    }

    /// A field name as a problem detail may show it: letters only, at most 40, else `?` (a name
    /// could be a BSN).
    static func shown(_ name: String) -> String { name.count <= 40 && name.allSatisfy(\.isLetter) ? name : "?" }

    /// 1–64 of `A-Z a-z 0-9 - _ . /`, with no nine-digit run that passes the 11-test.
    static func isCaseNumber(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (1...64).contains(bytes.count),
            bytes.allSatisfy({ ASCII.isDigit($0) || ASCII.isUpper($0) || ASCII.isLower($0) || $0 == 45 || $0 == 95 || $0 == 46 || $0 == 47 })
        else { return false }
        return !BSN.occurs(in: bytes)
    }
}
