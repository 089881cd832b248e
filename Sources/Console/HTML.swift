/// A fragment of HTML whose interpolated text is escaped by construction: `"<td>\(name)</td>"`
/// escapes `name`, while an interpolated `HTML` fragment is inserted as it is. No text reaches a
/// page unescaped unless it was written as a literal in this target.
struct HTML: Sendable, ExpressibleByStringInterpolation {
    private(set) var text: String

    init(stringLiteral literal: String) { text = literal }

    init(stringInterpolation interpolation: Interpolation) { text = interpolation.text }

    /// Fragments one after the other.
    init(joining fragments: some Sequence<HTML>) { text = fragments.map(\.text).joined() }

    struct Interpolation: StringInterpolationProtocol {
        var text = ""

        init(literalCapacity: Int, interpolationCount: Int) { text.reserveCapacity(literalCapacity + interpolationCount * 16) }

        mutating func appendLiteral(_ literal: String) { text += literal }
        mutating func appendInterpolation(_ value: String) { text += HTML.escape(value) }
        mutating func appendInterpolation(_ value: Substring) { text += HTML.escape(String(value)) }
        mutating func appendInterpolation(_ value: Int) { text += String(value) }
        mutating func appendInterpolation(_ fragment: HTML) { text += fragment.text }
        mutating func appendInterpolation(_ fragments: [HTML]) { for fragment in fragments { text += fragment.text } }
        mutating func appendInterpolation(_ fragment: HTML?) { if let fragment { text += fragment.text } }
    }

    /// `text` with the five characters that matter in element content and quoted attributes escaped.
    static func escape(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var escaped = ""
        escaped.reserveCapacity(text.count + 16)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
