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
