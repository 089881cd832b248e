extension String {
    /// Calls `body` with the text's UTF-8 bytes without copying a native or small string first
    /// (`withUTF8` needs a mutable string, so a copy).
    @inlinable
    public func withContiguousUTF8<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        if let result = try utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = self
        return try copy.withUTF8(body)
    }
}

extension StringProtocol {
    /// The text without leading and trailing ASCII white space (space, tab, CR, LF): for protocol
    /// tokens (a JWS of several KB), where Foundation's `trimmingCharacters(in:)` bridges the whole
    /// token through `NSString`.
    public var trimmingASCIIWhitespace: Substring {
        let text = Substring(self)
        let bytes = text.utf8
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else {
            return text[text.endIndex...]
        }
        return text[first..<bytes.index(after: last)]
    }
}
