/// Encoded bytes that an encoder writes straight into through a pointer: it reserves room for the
/// most a record can take, writes the record there, and keeps what it wrote. The memory grows as
/// needed and is kept when emptied.
public final class OutputBuffer {
    /// The number of bytes written.
    public private(set) var count = 0
    private var capacity: Int
    private var storage: UnsafeMutablePointer<UInt8>

    /// `capacity`: the bytes allocated at first (at least 16); the memory doubles when a record needs more.
    public init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Whether no bytes are written (since creation or the last `removeAll`).
    public var isEmpty: Bool { count == 0 }

    /// Where at least `byteCount` more bytes may be written; `commit` then keeps those written.
    func reserve(_ byteCount: Int) -> UnsafeMutablePointer<UInt8> {
        if count + byteCount > capacity {
            var newCapacity = capacity * 2
            while newCapacity < count + byteCount { newCapacity *= 2 }
            let larger = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
            larger.initialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity = newCapacity
        }
        return storage + count
    }

    /// Keeps `byteCount` bytes written where `reserve` pointed.
    func commit(_ byteCount: Int) {
        count += byteCount
    }

    /// Appends `bytes`, growing the memory when needed.
    public func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { bytes in
            guard let source = bytes.baseAddress else { return }
            reserve(bytes.count).initialize(from: source, count: bytes.count)
            commit(bytes.count)
        }
    }

    /// Calls `body` with the bytes written; the pointer is valid only during the call.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: storage, count: count))
    }

    /// Empties the buffer, keeping its memory.
    public func removeAll() {
        count = 0
    }
}
