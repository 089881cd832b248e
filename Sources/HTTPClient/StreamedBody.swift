import Foundation

/// A request body sent as it is read, part by part, so a large one is never in memory whole:
/// `length` bytes in all; `part(i)` gives part `i` (0, 1, …) and nil after the last. Parts are read
/// on the transfer's worker thread, and again from part 0 when libcurl must send the body anew.
public struct StreamedBody: Sendable {
    public let length: Int
    public let part: @Sendable (Int) throws -> Data?

    public init(length: Int, part: @escaping @Sendable (Int) throws -> Data?) {
        self.length = length
        self.part = part
    }
}
