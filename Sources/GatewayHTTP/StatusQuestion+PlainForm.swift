import Foundation
import KetenpoortCore

extension StatusQuestion {
    /// The single question in the form every caller sends — one flat object of `bsn`,
    /// `doelbinding` and `zaaknummer`, each once, as plain ASCII strings without escapes — read in
    /// one pass over the bytes, without Foundation's JSON parser and the duplicate-name scan.
    ///
    /// Only a question that `parse(_:bulk: false)` would accept is returned, and then the same
    /// one; anything else (another shape, an escape, a byte outside printable ASCII, a value the
    /// checks refuse) is nil, and the general parser reads the body and names its problem.
    static func plainSingle(_ body: Data) -> StatusQuestion? {
        body.withUnsafeBytes { raw in
            var reader = PlainObjectReader(raw.bindMemory(to: UInt8.self))
            return reader.question()
        }
    }
}

/// Reads `{ "name" : "value" , … }` with JSON whitespace around each token, and nothing after it.
private struct PlainObjectReader {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var index = 0

    init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func question() -> StatusQuestion? {
        var bsn: String?
        var doelbinding: String?
        var zaaknummer: String?
        guard take(UInt8(ascii: "{")) else { return nil }
        repeat {
            guard let name = string(), take(UInt8(ascii: ":")), let value = string() else { return nil }
            switch name {
            case "bsn" where bsn == nil: bsn = value
            case "doelbinding" where doelbinding == nil: doelbinding = value
            case "zaaknummer" where zaaknummer == nil: zaaknummer = value
            default: return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return nil }
        skipWhitespace()
        guard index == bytes.count, let bsn, let doelbinding, let zaaknummer,
            let purpose = Doelbinding(rawValue: doelbinding), StatusQuestion.isCaseNumber(zaaknummer), let number = BSN(bsn)
        else { return nil }
        return StatusQuestion(bsns: [number], doelbinding: purpose, zaaknummer: zaaknummer)
    }

    /// A string of printable ASCII other than `"` and `\`, after whitespace.
    private mutating func string() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                index += 1
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index - 1]), as: UTF8.self)
            }
            guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
            index += 1
        }
        return nil
    }

    /// Skips whitespace, then consumes `byte` if it comes next.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    private mutating func skipWhitespace() {
        while index < bytes.count, bytes[index] == 32 || bytes[index] == 9 || bytes[index] == 10 || bytes[index] == 13 { index += 1 }
    }
}
