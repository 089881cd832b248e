/// An error of the gateway, in the shape of swift-certificates' `CertificateError`:
/// a stable code, a reason, and where it was raised. Equality compares the code only.
///
/// The reason must never contain a BSN, a name or health data.
public struct KetenpoortError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A stable, machine-readable code such as `contract.invalid`.
    public let code: Code
    /// A human-readable explanation without personal data.
    public let reason: String
    public let file: String
    public let line: UInt

    public init(_ code: Code, _ reason: String, file: String = #fileID, line: UInt = #line) {
        self.code = code
        self.reason = reason
        self.file = file
        self.line = line
    }

    public var description: String { "\(code.rawValue): \(reason)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    /// Stable error codes.
    public struct Code: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }

        public static let contractInvalid: Code = "contract.invalid"
        public static let contractUnknown: Code = "contract.unknown"
        public static let adapterInvalid: Code = "adapter.invalid"
        public static let adapterUnknown: Code = "adapter.unknown"
        public static let inputUnreadable: Code = "input.unreadable"
        public static let outputUnwritable: Code = "output.unwritable"
    }
}
