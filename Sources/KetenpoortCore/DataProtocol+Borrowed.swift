import Foundation

extension DataProtocol {
    /// Calls `body` with these bytes as `Data`, without copying them when they lie in one piece (a
    /// `Data`, an array or a slice of one); the `Data` must not be kept past the call. A sealed
    /// night's payloads are megabytes each, and every copy is fresh memory the kernel must zero.
    public func withBorrowedData<Result>(_ body: (Data) throws -> Result) rethrows -> Result {
        if let data = self as? Data { return try body(data) }
        let borrowed = try withContiguousStorageIfAvailable { bytes -> Result in
            guard let base = bytes.baseAddress, !bytes.isEmpty else { return try body(Data()) }
            return try body(Data(bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: bytes.count, deallocator: .none))
        }
        if let borrowed { return borrowed }
        return try body(Data(self))
    }
}
