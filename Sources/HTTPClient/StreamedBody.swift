import Foundation

/// A request body sent as it is read, part by part, so a large one is never in memory whole:
/// `length` bytes in all; `fill(i, &buffer)` puts part `i` (0, 1, …) in `buffer`, replacing what
/// it held, and returns false after the last. Parts are read on the transfer's worker thread, and
/// again from part 0 when libcurl must send the body anew.
///
/// The buffer is the transfer's, kept from part to part: a night sends hundreds of megabytes in
/// parts of a megabyte, and a fresh buffer per part cost more in page faults (memory the kernel
/// hands out zeroed) than reading the part did.
public struct StreamedBody: Sendable {
    public let length: Int
    public let fill: @Sendable (Int, inout [UInt8]) throws -> Bool

    public init(length: Int, fill: @escaping @Sendable (Int, inout [UInt8]) throws -> Bool) {
        self.length = length
        self.fill = fill
    }

    /// A body whose parts come as `Data` (`part(i)`, nil after the last), copied into the buffer.
    public init(length: Int, part: @escaping @Sendable (Int) throws -> Data?) {
        self.init(length: length) { index, buffer in
            guard let data = try part(index) else { return false }
            buffer.removeAll(keepingCapacity: true)
            buffer.append(contentsOf: data)
            return true
        }
    }
}
