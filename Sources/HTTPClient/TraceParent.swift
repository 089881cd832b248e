import Foundation
import KetenpoortCore

/// A W3C Trace Context `traceparent` (version 00): `00-<32 hex trace id>-<16 hex span id>-<2 hex flags>`.
public struct TraceParent: Sendable, Hashable, CustomStringConvertible {
    /// The trace id, 32 lower-case hex digits, not all zero.
    public let traceID: String
    /// The parent (span) id, 16 lower-case hex digits, not all zero.
    public let spanID: String
    /// The trace flags; bit 0 is "sampled".
    public let flags: UInt8

    /// A new trace with random ids, sampled.
    public static func random() -> TraceParent {
        var generator = SystemRandomNumberGenerator()
        return random(using: &generator)
    }

    /// A new trace with ids from `generator`, sampled.
    public static func random(using generator: inout some RandomNumberGenerator) -> TraceParent {
        // Eight random bytes a draw (a system generator draw is a system call); all zero is not an id.
        func hex(words: Int) -> String {
            while true {
                let drawn = (0..<words).map { _ in generator.next() }
                if drawn.contains(where: { $0 != 0 }) { return drawn.withUnsafeBytes { Hex.encode($0) } }
            }
        }
        return TraceParent(validTraceID: hex(words: 2), spanID: hex(words: 1), flags: 1)
    }

    /// Parses a `traceparent` value; nil unless it is well-formed version 00 with non-zero ids.
    public init?(_ header: String) {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "00", Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16),
            Self.isHex(parts[3], count: 2), let flags = UInt8(parts[3], radix: 16),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        self.init(validTraceID: String(parts[1]), spanID: String(parts[2]), flags: flags)
    }

    /// The same trace with a fresh span id: what a hop passes on.
    public func child(using generator: inout some RandomNumberGenerator) -> TraceParent {
        TraceParent(validTraceID: traceID, spanID: TraceParent.random(using: &generator).spanID, flags: flags)
    }

    /// The header value.
    public var description: String { "00-\(traceID)-\(spanID)-" + Hex.encode([flags]) }

    private init(validTraceID: String, spanID: String, flags: UInt8) {
        self.traceID = validTraceID
        self.spanID = spanID
        self.flags = flags
    }

    private static func isHex(_ text: Substring, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
