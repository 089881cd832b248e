/// An id that is nothing but its text (`BatchID`, `RunID`): one type per kind of id, so one kind is
/// never passed where another belongs, coded as a plain JSON string, shown and ordered as its text.
public protocol TextIdentifier: Hashable, Sendable, Comparable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The id as stored and sent.
    var value: String { get }
    /// The id whose text is `value`, e.g. as read back from the store.
    init(_ value: String)
}

extension TextIdentifier {
    public init(stringLiteral value: String) { self.init(value) }

    /// Decodes the id from a plain JSON string.
    public init(from decoder: any Decoder) throws { self.init(try decoder.singleValueContainer().decode(String.self)) }

    /// Encodes the id as a plain JSON string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}
