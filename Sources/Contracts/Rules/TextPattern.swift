/// A compiled text pattern of the restricted regular-expression dialect contracts may use:
/// anchors `^` `$`, literals, `\` escapes, `.`, classes `[a-z0-9_]` (negated with `^`), and the
/// quantifiers `{n}`, `{n,m}`, `?`, `*`, `+`. No groups or alternation (use `validValues`).
///
/// It runs on UTF-8 bytes without allocation, which keeps validation at hundreds of thousands of
/// records a second; the whole value must match (the anchors are implied).
public struct TextPattern: Sendable, CustomStringConvertible {
    struct Atom: Sendable {
        var set: [Bool]  // 256 entries; bytes ≥ 0x80 match "." and negated classes
        var min: Int
        var max: Int
    }

    let atoms: [Atom]
    /// The pattern as the contract writes it.
    public let source: String

    /// Compiles `source`; throws a message naming the unsupported construct.
    public init(_ source: String) throws {
        self.source = source
        var bytes = Array(source.utf8)
        if bytes.first == UInt8(ascii: "^") { bytes.removeFirst() }
        if bytes.last == UInt8(ascii: "$"), bytes.count < 2 || bytes[bytes.count - 2] != UInt8(ascii: "\\") { bytes.removeLast() }
        var atoms: [Atom] = []
        var i = 0
        func escaped(_ byte: UInt8) -> [Bool] {
            var set = [Bool](repeating: false, count: 256)
            switch byte {
            case UInt8(ascii: "d"): for b in 48...57 { set[b] = true }
            case UInt8(ascii: "w"):
                for b in 48...57 { set[b] = true }
                for b in 65...90 { set[b] = true }
                for b in 97...122 { set[b] = true }
                set[95] = true
            case UInt8(ascii: "s"): for b in [9, 10, 13, 32] { set[b] = true }
            default: set[Int(byte)] = true
            }
            return set
        }
        while i < bytes.count {
            let byte = bytes[i]
            var set: [Bool]
            switch byte {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "|"):
                throw PatternError(pattern: source, reason: "groups and alternation are not supported; use validValues")
            case UInt8(ascii: "^"), UInt8(ascii: "$"):
                throw PatternError(pattern: source, reason: "anchors are only allowed at the start and the end")
            case UInt8(ascii: "."):
                set = [Bool](repeating: true, count: 256)
                set[10] = false
                i += 1
            case UInt8(ascii: "\\"):
                guard i + 1 < bytes.count else { throw PatternError(pattern: source, reason: "trailing backslash") }
                set = escaped(bytes[i + 1])
                i += 2
            case UInt8(ascii: "["):
                set = [Bool](repeating: false, count: 256)
                var j = i + 1
                let negated = j < bytes.count && bytes[j] == UInt8(ascii: "^")
                if negated { j += 1 }
                var members: [UInt8] = []
                var closed = false
                while j < bytes.count {
                    var b = bytes[j]
                    if b == UInt8(ascii: "]") && !members.isEmpty { closed = true; break }
                    if b == UInt8(ascii: "]") { closed = true; break }
                    if b == UInt8(ascii: "\\"), j + 1 < bytes.count {
                        for (k, on) in escaped(bytes[j + 1]).enumerated() where on { set[k] = true }
                        j += 2
                        continue
                    }
                    if j + 2 < bytes.count, bytes[j + 1] == UInt8(ascii: "-"), bytes[j + 2] != UInt8(ascii: "]") {
                        let upper = bytes[j + 2]
                        guard upper >= b else { throw PatternError(pattern: source, reason: "inverted range in a class") }
                        while b <= upper { set[Int(b)] = true; members.append(b); if b == 255 { break }; b += 1 }
                        j += 3
                        continue
                    }
                    set[Int(b)] = true
                    members.append(b)
                    j += 1
                }
                guard closed else { throw PatternError(pattern: source, reason: "unterminated character class") }
                if negated { set = set.map { !$0 } }
                i = j + 1
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                throw PatternError(pattern: source, reason: "a quantifier must follow something to repeat")
            default:
                set = escaped(byte)
                i += 1
            }
            var atom = Atom(set: set, min: 1, max: 1)
            if i < bytes.count {
                switch bytes[i] {
                case UInt8(ascii: "*"): atom.min = 0; atom.max = Int.max; i += 1
                case UInt8(ascii: "+"): atom.max = Int.max; i += 1
                case UInt8(ascii: "?"): atom.min = 0; i += 1
                case UInt8(ascii: "{"):
                    guard let close = bytes[i...].firstIndex(of: UInt8(ascii: "}")) else {
                        throw PatternError(pattern: source, reason: "unterminated {n,m}")
                    }
                    let body = String(decoding: bytes[(i + 1)..<close], as: UTF8.self)
                    let parts = body.split(separator: ",", omittingEmptySubsequences: false)
                    guard let low = Int(parts[0]), parts.count <= 2 else { throw PatternError(pattern: source, reason: "bad {n,m}") }
                    atom.min = low
                    if parts.count == 2 {
                        if parts[1].isEmpty {
                            atom.max = Int.max
                        } else {
                            guard let high = Int(parts[1]), high >= low else { throw PatternError(pattern: source, reason: "bad {n,m}") }
                            atom.max = high
                        }
                    } else {
                        atom.max = low
                    }
                    i = close + 1
                default: break
                }
            }
            atoms.append(atom)
        }
        self.atoms = atoms
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { matches(bytes: $0) }
    }

    /// Whether the whole of `bytes` matches.
    public func matches(bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        match(atomIndex: 0, at: 0, bytes)
    }

    private func match(atomIndex: Int, at start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var position = start
        var index = atomIndex
        // Fixed-count atoms run without backtracking; variable ones try the longest run first.
        while index < atoms.count {
            let atom = atoms[index]
            if atom.min == atom.max {
                for _ in 0..<atom.min {
                    guard position < bytes.count, atom.set[Int(bytes[position])] else { return false }
                    position += 1
                }
                index += 1
                continue
            }
            var run = 0
            while run < atom.max, position + run < bytes.count, atom.set[Int(bytes[position + run])] { run += 1 }
            guard run >= atom.min else { return false }
            while run >= atom.min {
                if match(atomIndex: index + 1, at: position + run, bytes) { return true }
                run -= 1
            }
            return false
        }
        return position == bytes.count
    }

    /// The pattern as the contract writes it.
    public var description: String { source }
}

/// A pattern outside the supported dialect.
public struct PatternError: Error, Sendable {
    /// The pattern as written.
    public let pattern: String
    /// What in it is unsupported or wrong.
    public let reason: String
}
