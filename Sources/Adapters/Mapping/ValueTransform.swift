import Contracts
import Crypto
import Foundation
import KetenpoortCore

/// A declarative value transform of an adapter mapping (`transforms:` list).
public enum ValueTransform: Sendable {
    /// Strip spaces at both ends.
    case trim
    /// Upper-case the text.
    case upper
    /// Left-pad to `width` with `pad` when the text is shorter.
    case padLeft(width: Int, pad: Character)
    /// The one BSN rule of every entry point (`BSN.normalized`): eight digits get their leading
    /// zero back; anything else is left for the contract's 11-test to judge.
    case bsn
    /// Treat these texts as "no value" (e.g. `00000000` for a missing DUO date).
    case nullIf([String])
    /// Replace values through a table; values not in it pass unchanged.
    case map([String: String])
    /// The year of a date (outbound).
    case year
    /// HMAC-SHA-256 over the text, keyed with the named secret, as 64 lowercase hex (outbound).
    case pseudonym(secret: String)

    /// Applies an inbound text transform; nil means "no value".
    func apply(_ text: String) -> String? {
        switch self {
        case .trim:
            let bytes = text.utf8
            guard let first = bytes.first, let last = bytes.last, first == 32 || last == 32 || first == 9 || last == 9 else { return text }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            return trimmed
        case .upper: return text.uppercased()
        case .padLeft(let width, let pad):
            let count = text.utf8.count
            return count < width && count > 0 ? String(repeating: pad, count: width - count) + text : text
        case .bsn: return BSN.normalized(text)
        case .nullIf(let values): return values.contains(text) ? nil : text
        case .map(let table): return table[text] ?? text
        case .year, .pseudonym: return text
        }
    }

    /// Parses one entry of a `transforms:` list.
    static func parse(_ node: YAMLNode) throws -> ValueTransform {
        if !node.isMapping {
            switch try node.string() {
            case "trim": return .trim
            case "upper": return .upper
            case "year": return .year
            case "bsn": return .bsn
            default: throw node.error("unknown transform '\(try node.string())' (known: trim, upper, year, bsn, padLeft, nullIf, map, pseudonym)")
            }
        }
        guard let (key, value) = try node.entries().first else { throw node.error("empty transform") }
        switch key {
        case "padLeft":
            let pad = try value["with"]?.string() ?? "0"
            guard pad.count == 1 else { throw value.error("padLeft.with must be one character") }
            return .padLeft(width: try value.isMapping ? value.required("width").int() : value.int(), pad: Character(pad))
        case "nullIf": return .nullIf(try value.strings())
        case "map":
            var table: [String: String] = [:]
            for (k, v) in try value.entries() { table[k] = try v.string() }
            return .map(table)
        case "pseudonym": return .pseudonym(secret: try value.required("secret").string())
        default: throw node.error("unknown transform '\(key)' (known: trim, upper, year, bsn, padLeft, nullIf, map, pseudonym)")
        }
    }
}

/// Secrets the outbound transforms may use (e.g. the CBS delivery key), by name.
public struct TransformSecrets: @unchecked Sendable {
    /// Per secret, an HMAC-SHA-256 with its key already absorbed: each pseudonym copies it and
    /// hashes only the value, instead of setting up the key again for every person.
    /// `@unchecked Sendable`: these values are only ever copied, never changed in place.
    private let keyed: [String: HMAC<SHA256>]
    static let hexDigits = Array("0123456789abcdef".utf8)
    /// `keys`: the key bytes of each secret, by the name `pseudonym(secret:)` gives it.
    public init(_ keys: [String: Data] = [:]) { keyed = keys.mapValues { HMAC<SHA256>(key: SymmetricKey(data: $0)) } }

    func pseudonym(of text: String, secret: String) throws -> String {
        guard var hmac = keyed[secret] else {
            throw KetenpoortError(.adapterInvalid, "the secret '\(secret)' needed for pseudonymisation is not configured")
        }
        var text = text
        text.withUTF8 { hmac.update(data: $0) }
        let mac = hmac.finalize()
        // 64 lowercase hex characters, written in one buffer (this runs once per person delivered).
        return String(unsafeUninitializedCapacity: 64) { buffer in
            let digits = Self.hexDigits
            var index = 0
            for byte in mac {
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 15)]
                index += 2
            }
            return 64
        }
    }
}
